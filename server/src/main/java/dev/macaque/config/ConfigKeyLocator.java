package dev.macaque.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Says where a key of the configuration was written, as {@code file:line:column}, for errors found after loading
 * (such as a provider instance's keys, which only its plugin knows). A key that is not in the file came from a
 * {@code MACAQUE_*} environment variable or the built-in defaults, and is reported as such.
 */
public final class ConfigKeyLocator {
    private static final YAMLFactory YAML = new YAMLFactory();

    private final String source;
    private final String text;

    private ConfigKeyLocator(String source, String text) {
        this.source = source;
        this.text = text;
    }

    /** For the file the configuration was read from, or the built-in defaults when {@code file} is null. */
    public static ConfigKeyLocator of(Path file) {
        if (file == null) {
            return new ConfigKeyLocator("built-in defaults", null);
        }
        try {
            return new ConfigKeyLocator(file.toString(), Files.readString(file));
        } catch (IOException e) {
            return new ConfigKeyLocator(file.toString(), null);
        }
    }

    /** {@code file:line:column} of the key at {@code path} (e.g. providers, aws-prod, regions), or where it came from. */
    public String where(List<String> path) {
        if (text == null) {
            return source;
        }
        return location(text, "/" + String.join("/", path))
                .map(l -> source + ":" + l.getLineNr() + ":" + l.getColumnNr())
                .orElse(source + " (" + String.join(".", path) + " set by environment variable "
                        + ConfigLoader.envName(String.join(".", path)) + ")");
    }

    /** Where the key at JSON pointer {@code pointer} stands in the YAML {@code text}. */
    static Optional<JsonLocation> location(String text, String pointer) {
        try (JsonParser parser = YAML.createParser(text)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.FIELD_NAME && parser.getParsingContext().pathAsPointer().toString().equals(pointer)) {
                    return Optional.of(parser.currentTokenLocation());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
