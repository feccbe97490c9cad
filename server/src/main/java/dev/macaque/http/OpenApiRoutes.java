package dev.macaque.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the OpenAPI 3.1 document, kept as {@code openapi.yaml} beside the code it describes. */
public final class OpenApiRoutes implements RouteGroup {
    private final String document;

    public OpenApiRoutes() {
        this.document = load().toString();
    }

    /** The document as a JSON tree. */
    public static JsonNode load() {
        try (InputStream in = OpenApiRoutes.class.getResourceAsStream("/openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("openapi.yaml is missing from the class path");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("openapi.yaml is not readable", e);
        }
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(document));
    }
}
