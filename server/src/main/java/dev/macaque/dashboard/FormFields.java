package dev.macaque.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * How the dashboard's forms turn into the JSON the API takes and back: trimmed text, comma-separated lists, and empty
 * fields left out so that the parser's defaults apply.
 */
public final class FormFields {
    private FormFields() {
    }

    /** A posted field, trimmed; {@code ""} when absent. */
    public static String text(Context ctx, String field) {
        String value = ctx.formParam(field);
        return value == null ? "" : value.trim();
    }

    /** A JSON value as a form field shows it: numbers as written, missing or null as {@code ""}. */
    public static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "" : node.isNumber() ? node.numberValue().toString() : node.asText();
    }

    /** A JSON array as a comma-separated field. */
    public static String list(JsonNode node) {
        if (!node.isArray()) {
            return text(node);
        }
        List<String> items = new ArrayList<>();
        node.forEach(item -> items.add(item.asText()));
        return String.join(", ", items);
    }

    /** A comma-separated field's items, trimmed, blanks dropped. */
    public static List<String> split(String text) {
        List<String> parts = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        return parts;
    }

    public static void putText(ObjectNode node, String field, String value) {
        if (!value.isBlank()) {
            node.put(field, value);
        }
    }

    public static void putList(ObjectNode node, String field, String value) {
        if (!value.isBlank()) {
            ArrayNode array = node.putArray(field);
            split(value).forEach(array::add);
        }
    }
}
