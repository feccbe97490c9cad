package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenAPI document and the server agree: every route is documented and every documented operation exists. */
class OpenApiTest {
    @TempDir
    Path home;

    @Test
    void everyRouteIsDocumentedAndEveryDocumentedOperationIsARoute() {
        try (TestServer server = TestServer.start(home, Map.of())) {
            Javalin app = server.server.injector().getInstance(Javalin.class);
            Set<String> routes = new TreeSet<>();
            app.unsafe.internalRouter.allHttpHandlers().forEach(h -> {
                HandlerType method = h.endpoint.method;
                // the dashboard's pages are not part of the API and not in the document
                if (method.isHttpMethod() && method != HandlerType.HEAD && method != HandlerType.OPTIONS && isApi(h.endpoint.path)) {
                    routes.add(method.name() + " " + h.endpoint.path);
                }
            });
            Set<String> documented = new TreeSet<>();
            JsonNode paths = OpenApiConformance.DOCUMENT.get("paths");
            for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
                String path = it.next();
                paths.get(path).fieldNames().forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path));
            }

            assertThat(routes).containsExactlyInAnyOrderElementsOf(documented);
        }
    }

    private static boolean isApi(String path) {
        return path.startsWith("/api/") || path.startsWith("/health/") || path.equals("/metrics") || path.equals("/openapi.json");
    }

    @Test
    void everyOperationHasOneTagTheDocumentDeclaresSoThatTheReferenceGroupsThem() {
        JsonNode document = OpenApiConformance.DOCUMENT;
        Set<String> declared = new TreeSet<>();
        document.get("tags").forEach(tag -> declared.add(tag.get("name").asText()));
        Set<String> used = new TreeSet<>();
        JsonNode paths = document.get("paths");
        for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
            String path = it.next();
            paths.get(path).fields().forEachRemaining(op -> {
                JsonNode tags = op.getValue().path("tags");
                assertThat(tags.size()).as(op.getKey() + " " + path + " has one tag").isEqualTo(1);
                assertThat(declared).as(op.getKey() + " " + path + "'s tag is declared").contains(tags.get(0).asText());
                used.add(tags.get(0).asText());
            });
        }
        assertThat(used).as("every declared tag groups something").isEqualTo(declared);
    }

    @Test
    void theDocumentIsServedAsOpenApi31Json() {
        try (TestServer server = TestServer.start(home, Map.of())) {
            JsonNode document = TestServer.json(server.get("/openapi.json", null));
            assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
            assertThat(document.at("/components/schemas/Run/properties/terminations")).isNotNull();
        }
    }

    @Test
    void theConformanceCheckRejectsAnUndocumentedFieldAndStatus() {
        String problem = "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"x\",\"surprise\":1}";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenApiConformance.check("GET", "/api/v1/experiments/run_1", 404,
                "application/problem+json", problem)).hasMessageContaining("surprise");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpenApiConformance.check("GET", "/api/v1/experiments/run_1", 418,
                "application/json", "{}")).hasMessageContaining("not documented");
    }
}
