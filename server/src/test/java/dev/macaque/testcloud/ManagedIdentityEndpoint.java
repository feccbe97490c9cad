package dev.macaque.testcloud;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The token endpoint of an Azure App Service managed identity ({@code IDENTITY_ENDPOINT}, called with the
 * {@code X-IDENTITY-HEADER} secret), on the loopback address the environment names: how the Azure SDK's default
 * credential signs in offline. Hands out an opaque token for any resource.
 */
public final class ManagedIdentityEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger tokens = new AtomicInteger();

    private ManagedIdentityEndpoint(HttpServer server) {
        this.server = server;
    }

    /** Serves at {@code $IDENTITY_ENDPOINT}; fails clearly when the environment does not name a loopback endpoint. */
    public static ManagedIdentityEndpoint fromEnvironment() throws IOException {
        String endpoint = System.getenv("IDENTITY_ENDPOINT");
        String secret = System.getenv("IDENTITY_HEADER");
        if (endpoint == null || secret == null) {
            throw new AssertionError("IDENTITY_ENDPOINT and IDENTITY_HEADER must be set (server/pom.xml's failsafe"
                    + " configuration sets them)");
        }
        URI uri = URI.create(endpoint);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", uri.getPort()), 0);
        } catch (java.net.BindException e) {
            throw new AssertionError("port " + uri.getPort() + " of IDENTITY_ENDPOINT is in use: free it, or choose another"
                    + " with -Dazure.it.identityPort", e);
        }
        ManagedIdentityEndpoint identity = new ManagedIdentityEndpoint(server);
        server.createContext(uri.getPath(), exchange -> {
            try (exchange) {
                boolean allowed = secret.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"));
                String body = allowed
                        ? "{\"access_token\":\"loopback-token-" + identity.tokens.incrementAndGet() + "\",\"expires_on\":\""
                                + Instant.now().plusSeconds(3600).getEpochSecond() + "\",\"resource\":\"https://management.azure.com/\","
                                + "\"token_type\":\"Bearer\",\"client_id\":\"00000000-0000-0000-0000-000000000001\"}"
                        : "{\"statusCode\":400,\"message\":\"missing or wrong X-IDENTITY-HEADER\"}";
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(allowed ? 200 : 400, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        });
        server.start();
        return identity;
    }

    /** Tokens handed out. */
    public int tokens() {
        return tokens.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
