package dev.macaque.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Checks a response against {@code openapi.yaml}: the route and status are documented, and a JSON body validates
 * against the documented schema. {@link TestServer} runs it on every response of the HTTP tests.
 */
public final class OpenApiConformance {
    static final JsonNode DOCUMENT = OpenApiRoutes.load();
    private static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenApiConformance() {
    }

    /** The documented path template that {@code path} matches, or null. */
    static String template(String path) {
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1); // Javalin ignores a trailing slash
        }
        for (Iterator<String> it = DOCUMENT.get("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            String regex = Pattern.quote(template).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
            if (path.matches(regex)) {
                return template;
            }
        }
        return null;
    }

    /** Refusals any request may get before its route runs (see the document's description); still problem+json. */
    private static final Set<Integer> PROTOCOL_ERRORS = Set.of(400, 401, 404, 405, 413, 415, 429, 503);

    /** Throws {@link AssertionError} describing how the response departs from the document. */
    public static void check(String method, String path, int status, String contentType, String body) {
        if (PROTOCOL_ERRORS.contains(status) && !documents(method, path, status)) {
            if (contentType == null || !contentType.startsWith("application/problem+json")) {
                throw new AssertionError(method + " " + path + " answered " + status + " as " + contentType + ", not problem+json: " + body);
            }
            validate("/components/schemas/Problem", method + " " + path + " " + status, body);
            return;
        }
        String template = template(path);
        if (template == null) {
            if (status == 404 || status == 401) {
                return; // unknown routes answer a problem; checked by the route tests
            }
            throw new AssertionError("undocumented path " + path + " answered " + status);
        }
        String verb = method.toLowerCase(Locale.ROOT);
        JsonNode operation = DOCUMENT.get("paths").get(template).get(verb);
        if (operation == null) {
            if (status == 401 || status == 404 || status == 405) {
                return; // other methods on a known path: refused before or instead of routing
            }
            throw new AssertionError("undocumented operation " + method + " " + template + " answered " + status);
        }
        String statusKey = Integer.toString(status);
        JsonNode response = operation.path("responses").get(statusKey);
        String pointer = "/paths/" + escape(template) + "/" + verb + "/responses/" + statusKey;
        if (response == null) {
            throw new AssertionError(method + " " + template + " answered " + status + ", which is not documented; body: " + body);
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
            response = DOCUMENT.at(pointer);
        }
        if (body == null || body.isEmpty() || contentType == null) {
            return;
        }
        String mediaType = contentType.split(";")[0].trim();
        JsonNode media = response.path("content").get(mediaType);
        if (media == null) {
            throw new AssertionError(method + " " + template + " " + status + " answered " + mediaType + ", documented: "
                    + response.path("content").fieldNames().next());
        }
        if (!mediaType.endsWith("json")) {
            return;
        }
        validate(pointer + "/content/" + escape(mediaType) + "/schema", method + " " + template + " " + status, body);
    }

    /** Whether the operation lists {@code status} itself (readiness documents its own 503), so that its schema applies. */
    private static boolean documents(String method, String path, int status) {
        String template = template(path);
        JsonNode operation = template == null ? null : DOCUMENT.get("paths").get(template).get(method.toLowerCase(Locale.ROOT));
        return operation != null && operation.path("responses").has(Integer.toString(status))
                && !operation.path("responses").get(Integer.toString(status)).has("$ref");
    }

    private static void validate(String schemaPointer, String what, String body) {
        JsonSchema schema = CACHE.computeIfAbsent(schemaPointer, p -> {
            ObjectNode root = DOCUMENT.deepCopy();
            root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            root.put("$ref", "#" + p);
            return SCHEMAS.getSchema(root);
        });
        Set<ValidationMessage> errors;
        try {
            errors = schema.validate(JSON.readTree(body));
        } catch (java.io.IOException e) {
            throw new AssertionError(what + " answered invalid JSON: " + body, e);
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(what + " departs from openapi.yaml: " + errors + "\nbody: " + body);
        }
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }
}
