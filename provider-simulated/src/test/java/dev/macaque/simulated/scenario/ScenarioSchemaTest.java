package dev.macaque.simulated.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps {@code docs/scenario.schema.json} and the parser in sync: the same keys at every level, and every example
 * scenario is accepted by both (checked with a small validator for the schema keywords the file uses).
 */
class ScenarioSchemaTest {
    private static final Path SCHEMA = Path.of("..", "docs", "scenario.schema.json");
    private static JsonNode schema;

    @BeforeAll
    static void readSchema() throws IOException {
        schema = new ObjectMapper().readTree(SCHEMA.toFile());
    }

    private static List<String> keys(JsonNode objectSchema) {
        List<String> keys = new ArrayList<>();
        objectSchema.get("properties").fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    @Test
    void theSchemaNamesExactlyTheKeysTheParserAccepts() {
        assertThat(keys(schema)).containsExactlyElementsOf(ScenarioParser.TOP_LEVEL_KEYS);
        assertThat(keys(schema.at("/$defs/group"))).containsExactlyElementsOf(ScenarioParser.GROUP_KEYS);
        assertThat(keys(schema.at("/$defs/service"))).containsExactlyElementsOf(ScenarioParser.SERVICE_KEYS);
        List<String> faultKinds = new ArrayList<>();
        schema.at("/$defs/fault/oneOf").forEach(alt -> faultKinds.add(alt.get("required").get(0).asText()));
        assertThat(faultKinds).containsExactlyElementsOf(ScenarioParser.FAULT_KINDS);
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/scenarios/checkout-gameday.yaml", "/scenarios/cascade.yaml", "/dev/macaque/simulated/demo-world.yaml"})
    void everyExampleIsValidForTheSchemaAndTheParser(String resource) throws IOException {
        JsonNode document;
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            document = new YAMLMapper().readTree(in);
        }

        assertThat(validate(schema, document, "")).isEmpty();
        assertThat(ScenarioParser.parseResource(resource).name()).isNotBlank();
    }

    @Test
    void theDocsScenariosWhenPresentAreValidForTheSchema() throws IOException {
        Path dir = Path.of("..", "docs", "scenarios");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                assertThat(validate(schema, new YAMLMapper().readTree(file.toFile()), "")).as("%s", file).isEmpty();
                ScenarioParser.parse(file);
            }
        }
    }

    @Test
    void theValidatorRejectsWhatTheParserRejects() throws IOException {
        JsonNode bad = new YAMLMapper().readTree("""
                name: x
                duration: 7 days
                groups: [{name: a, region: r, zones: [a], desired: 1, bootTim: 1s}]
                services: [{name: s, group: a, capacityPerInstance: 0, load: {base: 1}}]
                faults: [{terminate: {group: a}, at: 1h, duration: 1h}]
                """);

        assertThat(validate(schema, bad, "")).containsExactlyInAnyOrder(
                "duration: does not match ^[0-9]{1,12}(ms|s|m|h|d)$",
                "groups[0].bootTim: not allowed",
                "services[0].capacityPerInstance: must be > 0",
                "services[0].load: matches 0 alternatives, not exactly one",
                "faults[0]: matches 0 alternatives, not exactly one");
    }

    // ------------------------------------------------------------------ a validator for the keywords the schema uses

    private static List<String> validate(JsonNode s, JsonNode value, String path) {
        List<String> errors = new ArrayList<>();
        if (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            errors.addAll(validate(schema.at(ref.substring(1)), value, path));
        }
        if (s.has("type") && !typeMatches(s.get("type"), value)) {
            errors.add(path + ": expected " + s.get("type") + ", found " + value.getNodeType());
            return errors;
        }
        if (s.has("oneOf")) {
            int matches = 0;
            for (JsonNode alternative : s.get("oneOf")) {
                if (validate(alternative, value, path).isEmpty()) {
                    matches++;
                }
            }
            if (matches != 1) {
                errors.add(path + ": matches " + matches + " alternatives, not exactly one");
            }
        }
        if (s.has("pattern") && value.isTextual() && !Pattern.compile(s.get("pattern").asText()).matcher(value.asText()).find()) {
            errors.add(path + ": does not match " + s.get("pattern").asText());
        }
        if (s.has("minimum") && value.isNumber() && value.doubleValue() < s.get("minimum").doubleValue()) {
            errors.add(path + ": must be >= " + s.get("minimum"));
        }
        if (s.has("maximum") && value.isNumber() && value.doubleValue() > s.get("maximum").doubleValue()) {
            errors.add(path + ": must be <= " + s.get("maximum"));
        }
        if (s.has("exclusiveMinimum") && value.isNumber() && value.doubleValue() <= s.get("exclusiveMinimum").doubleValue()) {
            errors.add(path + ": must be > " + s.get("exclusiveMinimum"));
        }
        if (s.has("exclusiveMaximum") && value.isNumber() && value.doubleValue() >= s.get("exclusiveMaximum").doubleValue()) {
            errors.add(path + ": must be < " + s.get("exclusiveMaximum"));
        }
        if (s.has("minItems") && value.isArray() && value.size() < s.get("minItems").asInt()) {
            errors.add(path + ": needs at least " + s.get("minItems") + " items");
        }
        if (s.has("minLength") && value.isTextual() && value.asText().length() < s.get("minLength").asInt()) {
            errors.add(path + ": too short");
        }
        if (value.isObject()) {
            if (s.has("required")) {
                for (JsonNode key : s.get("required")) {
                    if (!value.has(key.asText())) {
                        errors.add(path + ": missing " + key.asText());
                    }
                }
            }
            JsonNode properties = s.get("properties");
            for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                String child = path.isEmpty() ? key : path + "." + key;
                if (properties != null && properties.has(key)) {
                    errors.addAll(validate(properties.get(key), value.get(key), child));
                } else if (s.has("additionalProperties") && s.get("additionalProperties").isBoolean()
                        && !s.get("additionalProperties").asBoolean()) {
                    errors.add(child + ": not allowed");
                } else if (s.has("additionalProperties") && s.get("additionalProperties").isObject()) {
                    errors.addAll(validate(s.get("additionalProperties"), value.get(key), child));
                }
            }
        }
        if (value.isArray() && s.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                errors.addAll(validate(s.get("items"), value.get(i), path + "[" + i + "]"));
            }
        }
        return errors;
    }

    private static boolean typeMatches(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (typeMatches(t, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> false;
        };
    }
}
