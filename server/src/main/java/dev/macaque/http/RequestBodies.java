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
            throw new ProblemException(400, ProblemException.VALIDATION, "invalid request body: "
                    + (field.isEmpty() ? "" : field + ": ") + message, List.of(new Problem.FieldError(field, message)));
        }
    }

    /** Longest string and array a request body may hold anywhere, and how deeply it may nest (the body is capped at 64 KiB). */
    public static final int MAX_STRING = 256;
    public static final int MAX_ARRAY = 1000;
    public static final int MAX_DEPTH = 32;

    /**
     * Every string longer than {@link #MAX_STRING}, every array longer than {@link #MAX_ARRAY} and any nesting deeper
     * than {@link #MAX_DEPTH} in {@code tree}, as field errors with their paths; throws a 400 problem listing them all
     * when there is any. Walks the tree with its own stack: a hostile body cannot exhaust the thread's.
     */
    public static void checkLimits(JsonNode tree) {
        List<Problem.FieldError> errors = new java.util.ArrayList<>();
        record Visit(JsonNode node, String path, int depth) {
        }
        java.util.Deque<Visit> pending = new java.util.ArrayDeque<>();
        pending.push(new Visit(tree, "", 0));
        while (!pending.isEmpty()) {
            Visit visit = pending.pop();
            JsonNode node = visit.node();
            String path = visit.path();
            if (visit.depth() > MAX_DEPTH) {
                errors.add(new Problem.FieldError(path, "nests deeper than " + MAX_DEPTH + " levels"));
                continue;
            }
            if (node.isTextual() && node.textValue().length() > MAX_STRING) {
                errors.add(new Problem.FieldError(path, "must be at most " + MAX_STRING + " characters"));
            } else if (node.isArray()) {
                if (node.size() > MAX_ARRAY) {
                    errors.add(new Problem.FieldError(path, "must have at most " + MAX_ARRAY + " elements"));
                }
                for (int i = node.size() - 1; i >= 0; i--) {
                    pending.push(new Visit(node.get(i), path + "[" + i + "]", visit.depth() + 1));
                }
            } else if (node.isObject()) {
                List<java.util.Map.Entry<String, JsonNode>> fields = new java.util.ArrayList<>();
                node.fields().forEachRemaining(fields::add);
                for (int i = fields.size() - 1; i >= 0; i--) {
                    String key = fields.get(i).getKey();
                    if (key.length() > MAX_STRING) {
                        errors.add(new Problem.FieldError(path, "has a field name longer than " + MAX_STRING + " characters"));
                    } else {
                        pending.push(new Visit(fields.get(i).getValue(), path.isEmpty() ? key : path + "." + key, visit.depth() + 1));
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(400, ProblemException.VALIDATION, "request body exceeds limits: "
                    + String.join("; ", errors.stream().limit(20).map(e -> e.field() + " " + e.message()).toList()), errors);
        }
    }


}
