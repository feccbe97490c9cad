package dev.macaque.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.text.Suggestions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads an experiment spec file (JSON or YAML) for the client commands, and applies the command-line overrides. */
final class SpecFiles {
    /** The server refuses larger bodies; refusing them here says which file. */
    static final long MAX_BYTES = 64 * 1024;
    /** How many names of the file's folder a "did you mean" considers. */
    private static final int FILES_CONSIDERED = 1000;
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final YAMLFactory YAML_FACTORY = YAMLFactory.builder().build();

    private SpecFiles() {
    }

    static ObjectNode read(Path file) {
        String text;
        try {
            if (!Files.exists(file)) {
                throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": no such file" + didYouMean(file));
            }
            if (Files.isDirectory(file)) {
                throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": is a folder, not a spec file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": larger than " + MAX_BYTES / 1024 + " KiB");
            }
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": no such file" + didYouMean(file));
        } catch (IOException e) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": cannot read it (" + e.getMessage() + ")");
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(text); // JSON is YAML
        } catch (JsonProcessingException e) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + syntaxError(e));
        }
        if (tree == null || !tree.isObject()) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ": an experiment spec must be an object");
        }
        duplicateKey(text).ifPresent(duplicate -> {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, file + ":" + duplicate);
        });
        return (ObjectNode) tree;
    }

    /**
     * {@code :4:7: not valid YAML: mapping values are not allowed here}: where the YAML parser found the problem (its
     * problem mark, 1-based), in our words, without the parser's own {@code in 'reader', line …} and excerpt.
     */
    static String syntaxError(JsonProcessingException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked) {
                Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
                String problem = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
                String where = mark == null ? "" : ":" + (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
                return where + ": not valid JSON or YAML: " + (problem == null ? "syntax error" : problem.strip())
                        + (marked.getContext() != null && marked.getProblem() != null ? " (" + marked.getContext().strip() + ")" : "");
            }
        }
        String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
        String message = e.getOriginalMessage();
        int reader = message.indexOf(" in 'reader'");
        return where + ": not valid JSON or YAML: " + (reader > 0 ? message.substring(0, reader) : message).strip();
    }

    /** The first key that repeats in its mapping, as {@code 5:1: duplicate key 'selection' (first at line 2)}. */
    static java.util.Optional<String> duplicateKey(String text) {
        try (JsonParser parser = YAML_FACTORY.createParser(text)) {
            Deque<Map<String, Integer>> mappings = new ArrayDeque<>();
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_OBJECT) {
                    mappings.push(new HashMap<>());
                } else if (token == JsonToken.END_OBJECT) {
                    mappings.pop();
                } else if (token == JsonToken.FIELD_NAME) {
                    int line = parser.currentTokenLocation().getLineNr();
                    Integer first = mappings.peek().putIfAbsent(parser.currentName(), line);
                    if (first != null) {
                        return java.util.Optional.of(line + ":" + parser.currentTokenLocation().getColumnNr() + ": duplicate key '"
                                + parser.currentName() + "' (first at line " + first + "); a key may appear once in a mapping");
                    }
                }
            }
            return java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty(); // a syntax error is reported by the reading itself
        }
    }

    /** {@code ; did you mean 'kill-api.yaml'?} among the file's folder, or nothing. */
    private static String didYouMean(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        if (folder == null || !Files.isDirectory(folder)) {
            return folder == null ? "" : " (and no folder " + folder + ")";
        }
        try (Stream<Path> entries = Files.list(folder)) {
            List<String> names = entries.limit(FILES_CONSIDERED).filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
            return Suggestions.closest(file.getFileName().toString(), names)
                    .map(name -> "; did you mean " + (file.getParent() == null ? name : file.getParent().resolve(name)) + "?").orElse("");
        } catch (IOException e) {
            return "";
        }
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
