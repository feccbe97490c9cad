package dev.macaque.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.macaque.engine.ExperimentSpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads an experiment spec file (JSON or YAML) for the client commands, and applies the command-line overrides. */
final class SpecFiles {
    /** The server refuses larger bodies; refusing them here says which file. */
    static final long MAX_BYTES = 64 * 1024;
    private static final YAMLMapper YAML = new YAMLMapper();

    private SpecFiles() {
    }

    static ObjectNode read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": larger than " + MAX_BYTES / 1024 + " KiB");
            }
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": cannot read it (" + e.getMessage() + ")");
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(text); // JSON is YAML
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + where + ": not valid JSON or YAML: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": an experiment spec must be an object");
        }
        return (ObjectNode) tree;
    }

    /** {@code --dry-run} and {@code --seed}: a seed beyond 2^53-1 is sent as a decimal string, which JSON keeps exactly. */
    static ObjectNode override(ObjectNode spec, boolean dryRun, Long seed) {
        if (dryRun) {
            spec.put("dryRun", true);
        }
        if (seed != null) {
            if (Math.abs(seed) <= ExperimentSpecParser.MAX_EXACT_JSON_INTEGER) {
                spec.put("seed", seed);
            } else {
                spec.put("seed", Long.toString(seed));
            }
        }
        return spec;
    }
}
