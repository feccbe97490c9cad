package dev.macaque.simulated.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree, plus the line of every key and list item, by path
 * ({@code groups[0].bootTime.min}). Duplicate keys are reported, not silently overwritten.
 */
final class LocatedYaml {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();

    final JsonNode root;
    private final Map<String, Integer> lines;

    private LocatedYaml(JsonNode root, Map<String, Integer> lines) {
        this.root = root;
        this.lines = lines;
    }

    /**
     * Reads {@code text}; duplicate keys are added to {@code errors}.
     *
     * @throws IOException when the text is not YAML (carries the parser's location)
     */
    static LocatedYaml read(String text, String file, List<ScenarioError> errors) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return new LocatedYaml(JsonNodeFactory.instance.nullNode(), lines);
            }
            JsonNode root = readValue(parser, "", lines, file, errors);
            if (parser.nextToken() != null) {
                errors.add(new ScenarioError(file, parser.currentTokenLocation().getLineNr(), "",
                        "a scenario file holds one YAML document; found another one here"));
            }
            return new LocatedYaml(root, lines);
        }
    }

    /** Line of {@code path}, or of its nearest ancestor that has one, or 0. */
    int line(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
    }

    private static JsonNode readValue(JsonParser parser, String path, Map<String, Integer> lines, String file,
                                      List<ScenarioError> errors) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonToken token = parser.currentToken();
        lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = nodes.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    String child = path.isEmpty() ? key : path + "." + key;
                    int line = parser.currentTokenLocation().getLineNr();
                    parser.nextToken();
                    if (object.has(key)) {
                        errors.add(new ScenarioError(file, line, child, "duplicate key '" + key + "'"));
                        readValue(parser, child + "#duplicate", new HashMap<>(), file, errors);
                        continue;
                    }
                    lines.put(child, line);
                    object.set(key, readValue(parser, child, lines, file, errors));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = nodes.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(parser, path + "[" + index++ + "]", lines, file, errors));
                }
                return array;
            }
            case VALUE_STRING:
                return nodes.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                switch (parser.getNumberType()) {
                    case INT:
                        return nodes.numberNode(parser.getIntValue());
                    case LONG:
                        return nodes.numberNode(parser.getLongValue());
                    default:
                        return nodes.numberNode(parser.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return nodes.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return nodes.booleanNode(true);
            case VALUE_FALSE:
                return nodes.booleanNode(false);
            case VALUE_NULL:
                return nodes.nullNode();
            default:
                return nodes.textNode(parser.getText());
        }
    }
}
