package dev.macaque.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.macaque.config.JsonPaths;
import io.javalin.http.Context;
import java.util.List;

/**
 * Reads JSON request bodies strictly: JSON content type, a JSON object, no unknown fields; every failure a 4xx
 * problem naming the field.
 */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** The body as a JSON tree (an object), after the content-type and syntax checks. */
    public static JsonNode tree(Context ctx, ObjectMapper json) {
        String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ProblemException(415, "request body must be application/json, was " + (contentType == null ? "absent" : "'" + contentType + "'"));
        }
        String body = ctx.body();
        if (body.isBlank()) {
            throw new ProblemException(400, "request body is empty; a JSON object is expected");
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ProblemException(400, "request body is not valid JSON: " + e.getOriginalMessage() + where);
        }
        if (tree == null || !tree.isObject()) {
            throw new ProblemException(400, "request body must be a JSON object");
        }
        return tree;
    }

    /** The body bound to {@code type}; unknown or mistyped fields are 400 with the field's path. */
    public static <T> T read(Context ctx, ObjectMapper json, Class<T> type) {
        JsonNode tree = tree(ctx, json);
        try {
            return json.treeToValue(tree, type);
        } catch (JsonProcessingException e) {
            String field = e instanceof JsonMappingException m ? JsonPaths.of(m) : "";
            String message = e instanceof UnrecognizedPropertyException ? "unknown field" : JsonPaths.firstLine(e.getOriginalMessage());
            throw new ProblemException(400, "https://macaque.dev/problems/validation", "invalid request body: "
                    + (field.isEmpty() ? "" : field + ": ") + message, List.of(new Problem.FieldError(field, message)));
        }
    }

    /** Longest string and array a request body may hold anywhere (the body itself is capped at 64 KiB). */
    public static final int MAX_STRING = 256;
    public static final int MAX_ARRAY = 1000;

    /**
     * Every string longer than {@link #MAX_STRING} and every array longer than {@link #MAX_ARRAY} in {@code tree}, as
     * field errors with their paths; throws a 400 problem listing them all when there is any.
     */
    public static void checkLimits(JsonNode tree) {
        List<Problem.FieldError> errors = new java.util.ArrayList<>();
        collectLimitErrors(tree, "", errors);
        if (!errors.isEmpty()) {
            throw new ProblemException(400, "https://macaque.dev/problems/validation", "request body exceeds limits: "
                    + String.join("; ", errors.stream().map(e -> e.field() + " " + e.message()).toList()), errors);
        }
    }

    private static void collectLimitErrors(JsonNode node, String path, List<Problem.FieldError> errors) {
        if (node.isTextual() && node.textValue().length() > MAX_STRING) {
            errors.add(new Problem.FieldError(path, "must be at most " + MAX_STRING + " characters"));
        } else if (node.isArray()) {
            if (node.size() > MAX_ARRAY) {
                errors.add(new Problem.FieldError(path, "must have at most " + MAX_ARRAY + " elements"));
            }
            for (int i = 0; i < node.size(); i++) {
                collectLimitErrors(node.get(i), path + "[" + i + "]", errors);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(f -> {
                if (f.getKey().length() > MAX_STRING) {
                    errors.add(new Problem.FieldError(path, "has a field name longer than " + MAX_STRING + " characters"));
                } else {
                    collectLimitErrors(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), errors);
                }
            });
        }
    }


}
