package dev.macaque.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ID token checks on tokens a real provider would not issue, built and signed in the test with Nimbus and served
 * from a local JWKS: wrong audience, expired beyond the skew, a bad signature, another issuer, a replayed nonce, and
 * key rotation. Each case is one sign-in against a running server, whose token sign-in is switched off.
 */
class IdTokenChecksTest {
    static final String CLIENT = "macaque";

    @TempDir
    static Path home;
    static NimbusIdentityProvider idp;
    static TestServer server;
    static RSAKey key1 = NimbusIdentityProvider.newKey("k1");

    @BeforeAll
    static void startServers() {
        idp = new NimbusIdentityProvider();
        idp.publish(key1.toPublicJWK());
        MacaqueConfig.OidcConfig oidc = new MacaqueConfig.OidcConfig(idp.issuer, CLIENT, null, null, "realm_access.roles",
                Map.of("chaos-operator", MacaqueConfig.RoleMapping.valueOf("operator")), null, null, "60s");
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", "demo")),
                config -> config.withAuth(new MacaqueConfig.AuthConfig(oidc, new MacaqueConfig.TokensConfig(false))));
    }

    @AfterAll
    static void stop() {
        server.close();
        idp.close();
    }

    @BeforeEach
    void firstKey() {
        idp.publish(key1.toPublicJWK());
    }

    /** A sign-in under way: its state and nonce as Macaque sent them to the provider. */
    record Started(SsoBrowser browser, String state, String nonce) {
    }

    static Started signInStarted() {
        SsoBrowser browser = new SsoBrowser();
        String authorize = SsoBrowser.location(browser.get(server.uri("/sign-in/oidc?next=/").toString()));
        return new Started(browser, SsoBrowser.param(authorize, "state"), SsoBrowser.param(authorize, "nonce"));
    }

    static JWTClaimsSet.Builder valid(String nonce) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(idp.issuer).audience(CLIENT).subject("u-42").claim("email", "erin@example.com")
                .claim("realm_access", Map.of("roles", List.of("chaos-operator"))).claim("nonce", nonce)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)));
    }

    static HttpResponse<String> finish(Started started, String idToken) {
        idp.nextIdToken.set(idToken);
        return started.browser().get(server.uri("/sign-in/oidc/callback?code=c0de&state=" + started.state()).toString());
    }

    static HttpResponse<String> signIn(UnaryOperator<JWTClaimsSet.Builder> change) {
        Started started = signInStarted();
        return finish(started, NimbusIdentityProvider.sign(key1, "k1", change.apply(valid(started.nonce())).build()));
    }

    @Test
    void aValidTokenSignsInWithTheRoleOfANestedClaim() {
        HttpResponse<String> answer = signIn(b -> b);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("macaque_session="));
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        HttpResponse<String> answer = signIn(b -> b.audience("another-app"));

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("ID token was not accepted").containsIgnoringCase("audience");
    }

    @Test
    void aTokenExpiredBeyondTheSkewIsRefusedAndOneWithinItIsAccepted() {
        Instant now = Instant.now();
        HttpResponse<String> expired = signIn(b -> b.issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.minusSeconds(90))));
        HttpResponse<String> withinSkew = signIn(b -> b.issueTime(Date.from(now.minusSeconds(600))).expirationTime(Date.from(now.minusSeconds(30))));

        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("Expired JWT");
        assertThat(withinSkew.statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheSkewIsRefused() {
        Instant now = Instant.now();
        HttpResponse<String> answer = signIn(b -> b.issueTime(Date.from(now.plusSeconds(600))).expirationTime(Date.from(now.plusSeconds(900))));

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("ID token was not accepted");
    }

    @Test
    void aTokenWithABadSignatureIsRefused() {
        Started started = signInStarted();
        RSAKey impostor = NimbusIdentityProvider.newKey("k1");

        // signed by another key under the published key's id
        HttpResponse<String> answer = finish(started, NimbusIdentityProvider.sign(impostor, "k1", valid(started.nonce()).build()));

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("ID token was not accepted").containsIgnoringCase("signature");
        assertThat(answer.headers().allValues("Set-Cookie")).noneSatisfy(c -> assertThat(c).startsWith("macaque_session="));
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() {
        HttpResponse<String> answer = signIn(b -> b.issuer("https://evil.example/realms/ops"));

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).contains("ID token was not accepted").containsIgnoringCase("iss");
    }

    @Test
    void aTokenCarryingTheNonceOfAnEarlierSignInIsRefused() {
        Started earlier = signInStarted();
        String replayed = NimbusIdentityProvider.sign(key1, "k1", valid(earlier.nonce()).build());
        assertThat(finish(earlier, replayed).statusCode()).isEqualTo(200);

        Started later = signInStarted();
        HttpResponse<String> answer = finish(later, replayed);

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(answer.body()).containsIgnoringCase("nonce");
    }

    @Test
    void aTokenSignedWithARotatedKeyIsAcceptedAfterOneRefetchOfTheKeySet() {
        assertThat(signIn(b -> b).statusCode()).isEqualTo(200);
        int fetchesBefore = idp.jwksFetches.get();
        RSAKey key2 = NimbusIdentityProvider.newKey("k2");
        idp.publish(key2.toPublicJWK());

        Started started = signInStarted();
        HttpResponse<String> answer = finish(started, NimbusIdentityProvider.sign(key2, "k2", valid(started.nonce()).build()));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(idp.jwksFetches.get() - fetchesBefore).isEqualTo(1);
    }

    @Test
    void aTokenSignedWithAnUnknownKeyIsRefusedAfterOneRefetch() {
        assertThat(signIn(b -> b).statusCode()).isEqualTo(200);
        int fetchesBefore = idp.jwksFetches.get();
        RSAKey stranger = NimbusIdentityProvider.newKey("k9");

        Started started = signInStarted();
        HttpResponse<String> answer = finish(started, NimbusIdentityProvider.sign(stranger, "k9", valid(started.nonce()).build()));

        assertThat(answer.statusCode()).isEqualTo(401);
        assertThat(idp.jwksFetches.get() - fetchesBefore).isEqualTo(1);
    }

    @Test
    void withTokenSignInSwitchedOffTheDashboardRefusesEvenTheAdminTokenAndOffersOnlySingleSignOn() throws Exception {
        java.net.http.HttpRequest post = java.net.http.HttpRequest.newBuilder(server.uri("/sign-in"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("next=%2F&token=" + server.adminToken)).build();
        HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.body()).contains("Signing in with an API token is switched off on this server");
        assertThat(answer.headers().allValues("Set-Cookie")).isEmpty();
        String page = new SsoBrowser().get(server.uri("/sign-in").toString()).body();
        assertThat(page).contains("Sign in with your company account").doesNotContain("name=\"token\"");
        // the API keeps its tokens: automation and break-glass are unaffected
        assertThat(server.get("/api/v1/groups", server.adminToken).statusCode()).isEqualTo(200);
    }
}
