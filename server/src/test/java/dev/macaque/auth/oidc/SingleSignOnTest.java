package dev.macaque.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.dashboard.DashboardSessions;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dashboard sign-in through a real OpenID Connect provider in-process (mock-oauth2-server): discovery, the
 * authorization code flow with PKCE, state and nonce, the ID token's checks, and claims mapped to roles and scopes.
 */
class SingleSignOnTest {
    static final String CLIENT = "macaque-dashboard";
    static final String ISSUER_ID = "corp";

    @TempDir
    static Path home;
    static MockOAuth2Server idp;
    static TestServer server;

    @BeforeAll
    static void start() {
        idp = new MockOAuth2Server();
        idp.start();
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", "demo", "speed", "600")),
                config -> config.withAuth(new MacaqueConfig.AuthConfig(oidc(idp.issuerUrl(ISSUER_ID).toString()), null)));
    }

    static MacaqueConfig.OidcConfig oidc(String issuer) {
        return new MacaqueConfig.OidcConfig(issuer, CLIENT, "s3cret", null, null,
                Map.of("sre", MacaqueConfig.RoleMapping.valueOf("operator"),
                        "chaos-admins", MacaqueConfig.RoleMapping.valueOf("admin"),
                        "payments-oncall", new MacaqueConfig.RoleMapping("operator", Map.of("team", "payments"))),
                null, null, null);
    }

    @AfterAll
    static void stop() {
        server.close();
        idp.shutdown();
    }

    /** The provider will answer the next code exchange with a token for {@code subject} carrying {@code claims}. */
    static void nextUser(String subject, List<String> audience, Map<String, Object> claims, long expirySeconds) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", audience, claims, expirySeconds));
    }

    static void nextUser(String subject, Map<String, Object> claims) {
        nextUser(subject, List.of(CLIENT), claims, 3600);
    }

    /** Clicks "sign in with your company account" and lets the provider answer: the callback's URL. */
    static String throughTheProvider(SsoBrowser browser, String next) {
        HttpResponse<String> start = browser.get(server.uri("/sign-in/oidc?next=" + next).toString());
        assertThat(start.statusCode()).isEqualTo(303);
        String authorize = SsoBrowser.location(start);
        assertThat(authorize).startsWith(idp.authorizationEndpointUrl(ISSUER_ID).toString());
        HttpResponse<String> atIdp = browser.get(authorize);
        assertThat(atIdp.statusCode()).as(atIdp.body()).isEqualTo(302);
        return SsoBrowser.location(atIdp);
    }

    @Test
    void theFullFlowEndsInASessionWithTheMappedRoleAndTheAuditNamesTheUser() {
        nextUser("u-1001", Map.of("email", "alice@example.com", "groups", List.of("staff", "sre")));
        SsoBrowser browser = new SsoBrowser();

        HttpResponse<String> start = browser.get(server.uri("/sign-in/oidc?next=/fleet").toString());
        String authorize = SsoBrowser.location(start);
        // what the provider is asked for: the code flow, PKCE S256, a state and a nonce, and our own callback
        assertThat(SsoBrowser.param(authorize, "response_type")).isEqualTo("code");
        assertThat(SsoBrowser.param(authorize, "code_challenge_method")).isEqualTo("S256");
        assertThat(SsoBrowser.param(authorize, "code_challenge")).hasSizeGreaterThan(40);
        assertThat(SsoBrowser.param(authorize, "state")).isNotBlank();
        assertThat(SsoBrowser.param(authorize, "nonce")).isNotBlank();
        assertThat(SsoBrowser.param(authorize, "redirect_uri")).isEqualTo(server.uri("/sign-in/oidc/callback").toString());
        assertThat(browser.cookies).containsKey("macaque_oidc");
        HttpResponse<String> atIdp = browser.get(authorize);
        HttpResponse<String> callback = browser.get(SsoBrowser.location(atIdp));

        assertThat(callback.statusCode()).as(callback.body()).isEqualTo(200);
        assertThat(callback.body()).contains("url=/fleet").contains("href=\"/fleet\"");
        assertThat(browser.cookies).containsKey("macaque_session").doesNotContainKey("macaque_oidc");
        HttpResponse<String> fleet = browser.get(server.uri("/fleet").toString());
        assertThat(fleet.statusCode()).isEqualTo(200);
        assertThat(fleet.body()).contains("alice@example.com <span class=\"role\">operator</span>");
        DashboardSessions.Session session = server.server.injector().getInstance(DashboardSessions.class)
                .find(browser.cookies.get("macaque_session")).orElseThrow();
        assertThat(session.principal().role().wireName()).isEqualTo("operator");
        assertThat(session.principal().scope().unscoped()).isTrue();
        assertThat(session.principal().tokenId()).isEqualTo("oidc:u-1001");
        assertThat(audit("dashboard.sign-in")).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo("alice@example.com (oidc:u-1001)");
            assertThat(e.outcome()).isEqualTo("ok");
            assertThat(e.detail()).contains("groups sre grants operator");
        });
    }

    @Test
    void aTeamMappingGivesARoleWithItsScopeAndTheHighestRoleWins() {
        nextUser("u-2002", Map.of("email", "bob@example.com", "groups", List.of("payments-oncall")));
        SsoBrowser bob = new SsoBrowser();
        bob.get(throughTheProvider(bob, "/"));
        DashboardSessions.Session session = session(bob);
        assertThat(session.principal().role().wireName()).isEqualTo("operator");
        assertThat(session.principal().scope().tags()).containsExactly(Map.entry("team", "payments"));
        assertThat(bob.get(server.uri("/fleet").toString()).body())
                .contains("bob@example.com <span class=\"role\">operator · team=payments</span>");

        nextUser("u-3003", Map.of("groups", List.of("payments-oncall", "chaos-admins")));
        SsoBrowser carol = new SsoBrowser();
        carol.get(throughTheProvider(carol, "/"));
        assertThat(session(carol).principal().role().wireName()).isEqualTo("admin");
        assertThat(session(carol).principal().scope().unscoped()).isTrue();
        // no email: the audit trail names the subject
        assertThat(session(carol).principal().display()).isEqualTo("u-3003 (oidc:u-3003)");
    }

    @Test
    void aUserWhoseGroupsMapToNoRoleIsToldSoAndGetsNoSession() {
        nextUser("u-4004", Map.of("email", "dave@example.com", "groups", List.of("marketing")));
        SsoBrowser browser = new SsoBrowser();

        HttpResponse<String> callback = browser.get(throughTheProvider(browser, "/"));

        assertThat(callback.statusCode()).isEqualTo(403);
        assertThat(callback.body()).contains("You signed in as dave@example.com, but you have no role in Macaque")
                .contains("marketing");
        assertThat(browser.cookies).doesNotContainKey("macaque_session");
        assertThat(audit("dashboard.sign-in")).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo("dave@example.com");
            assertThat(e.outcome()).isEqualTo("forbidden");
        });
    }

    @Test
    void anExpiredIdTokenIsRefused() {
        nextUser("u-6006", List.of(CLIENT), Map.of("groups", List.of("sre")), -600);
        SsoBrowser browser = new SsoBrowser();

        HttpResponse<String> callback = browser.get(throughTheProvider(browser, "/"));

        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.body()).contains("ID token was not accepted").containsIgnoringCase("expired");
        assertThat(browser.cookies).doesNotContainKey("macaque_session");
    }

    @Test
    void aReplayedCallbackIsRefusedItsStateIsTakenOnce() {
        nextUser("u-7007", Map.of("groups", List.of("sre")));
        SsoBrowser browser = new SsoBrowser();
        String callbackUrl = throughTheProvider(browser, "/");
        String binding = browser.cookies.get("macaque_oidc");
        assertThat(browser.get(callbackUrl).statusCode()).isEqualTo(200);

        SsoBrowser replay = new SsoBrowser();
        replay.cookies.put("macaque_oidc", binding);
        HttpResponse<String> again = replay.get(callbackUrl);

        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("This sign-in link is not valid any more");
        assertThat(replay.cookies).doesNotContainKey("macaque_session");
    }

    @Test
    void aCallbackInAnotherBrowserThanTheOneThatStartedIsRefused() {
        // (no token is enqueued: the callback is refused before any code exchange)
        SsoBrowser victim = new SsoBrowser();
        String callbackUrl = throughTheProvider(victim, "/");

        SsoBrowser attacker = new SsoBrowser();
        HttpResponse<String> stolen = attacker.get(callbackUrl);

        assertThat(stolen.statusCode()).isEqualTo(401);
        assertThat(attacker.cookies).doesNotContainKey("macaque_session");
    }

    @Test
    void aCodeIssuedForAnotherSignInIsRefusedItsVerifierDoesNotMatch() {
        nextUser("u-8008", Map.of("groups", List.of("sre")));
        SsoBrowser browser = new SsoBrowser();
        // two sign-ins under way in one browser; the provider's code of the first is brought back with the second's state
        String first = throughTheProvider(browser, "/");
        HttpResponse<String> secondStart = browser.get(server.uri("/sign-in/oidc?next=/").toString());
        String secondState = SsoBrowser.param(SsoBrowser.location(secondStart), "state");
        String spliced = server.uri("/sign-in/oidc/callback").toString() + "?code=" + SsoBrowser.param(first, "code")
                + "&state=" + secondState;

        HttpResponse<String> callback = browser.get(spliced);

        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.body()).contains("invalid_pkce");
        assertThat(browser.cookies).doesNotContainKey("macaque_session");
    }

    @Test
    void aProviderErrorIsShownOnTheSignInPage() {
        SsoBrowser browser = new SsoBrowser();
        HttpResponse<String> start = browser.get(server.uri("/sign-in/oidc?next=/").toString());
        String state = SsoBrowser.param(SsoBrowser.location(start), "state");

        HttpResponse<String> callback = browser.get(server.uri("/sign-in/oidc/callback?error=access_denied&state=" + state).toString());

        assertThat(callback.statusCode()).isEqualTo(401);
        assertThat(callback.body()).contains("The identity provider refused the sign-in: access_denied");
    }

    @Test
    void theSignInPageOffersTheCompanyAccountAndTheTokenForm() {
        String page = new SsoBrowser().get(server.uri("/sign-in?next=/fleet").toString()).body();

        assertThat(page).contains("href=\"/sign-in/oidc?next=%2Ffleet\"").contains("Sign in with your company account")
                .contains("<label for=\"token\">API token</label>");
    }

    static DashboardSessions.Session session(SsoBrowser browser) {
        return server.server.injector().getInstance(DashboardSessions.class).find(browser.cookies.get("macaque_session")).orElseThrow();
    }

    static List<AuditEntry> audit(String action) {
        return server.server.injector().getInstance(AuditLog.class).list(new AuditLog.Filter(action, null, null), null, null, 500);
    }
}
