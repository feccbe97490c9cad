package dev.macaque.auth.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OpenID Connect provider for the cases a real one will not produce: its discovery document, its JWKS (which a
 * test may rotate) and a token endpoint that answers with whatever ID token the test built and signed with Nimbus.
 * Served by the JDK's own HTTP server on loopback.
 */
final class NimbusIdentityProvider implements AutoCloseable {
    private final HttpServer http;
    final String issuer;
    final AtomicReference<JWKSet> published = new AtomicReference<>();
    final AtomicReference<String> nextIdToken = new AtomicReference<>();
    final AtomicInteger jwksFetches = new AtomicInteger();

    NimbusIdentityProvider() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/realms/ops";
        http.createContext("/realms/ops/.well-known/openid-configuration", exchange -> answer(exchange, 200, """
                {"issuer":"%1$s","authorization_endpoint":"%1$s/auth","token_endpoint":"%1$s/token","jwks_uri":"%1$s/certs",
                 "response_types_supported":["code"],"subject_types_supported":["public"],
                 "id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer)));
        // a provider whose discovery document, found under another path, names the real issuer: an issuer mismatch
        http.createContext("/realms/alias/.well-known/openid-configuration", exchange -> answer(exchange, 200,
                "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/auth\",\"token_endpoint\":\""
                        + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/certs\",\"response_types_supported\":[\"code\"],"
                        + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
        http.createContext("/realms/ops/certs", exchange -> {
            jwksFetches.incrementAndGet();
            answer(exchange, 200, published.get().toString(true));
        });
        http.createContext("/realms/ops/token", exchange -> {
            exchange.getRequestBody().readAllBytes();
            answer(exchange, 200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"id_token\":\""
                    + nextIdToken.get() + "\"}");
        });
        http.start();
    }

    static RSAKey newKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    void publish(RSAKey... keys) {
        published.set(new JWKSet(List.of(keys)));
    }

    /** An RS256 ID token signed with {@code key}, its header naming {@code kid}. */
    static String sign(RSAKey key, String kid, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
