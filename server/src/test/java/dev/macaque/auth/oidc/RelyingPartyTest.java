package dev.macaque.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.auth.Role;
import dev.macaque.auth.Scope;
import dev.macaque.config.MacaqueConfig;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The relying party's own decisions, without a server: discovery refusals, role mapping and claim paths. */
class RelyingPartyTest {
    static MacaqueConfig.OidcConfig config(String issuer) {
        return new MacaqueConfig.OidcConfig(issuer, "macaque", null, null, null, Map.of("sre", MacaqueConfig.RoleMapping.valueOf("operator")),
                null, null, null);
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerIsRefused() {
        try (NimbusIdentityProvider idp = new NimbusIdentityProvider()) {
            String alias = idp.issuer.replace("/realms/ops", "/realms/alias");
            OidcSignIn signIn = new OidcSignIn(config(alias), Clock.systemUTC());

            assertThatThrownBy(() -> signIn.start("http://127.0.0.1:8080", "/"))
                    .isInstanceOf(OidcSignIn.ProviderUnavailable.class)
                    .hasMessageContaining("the discovery document of " + alias + " could not be read")
                    .hasMessageContaining("issuer");
        }
    }

    @Test
    void anUnreachableProviderIsReportedAndTriedAgainAtTheNextSignIn() {
        NimbusIdentityProvider idp = new NimbusIdentityProvider();
        String issuer = idp.issuer;
        idp.close();
        OidcSignIn signIn = new OidcSignIn(config(issuer), Clock.systemUTC());

        assertThatThrownBy(() -> signIn.start("http://127.0.0.1:8080", "/")).isInstanceOf(OidcSignIn.ProviderUnavailable.class);
        assertThat(signIn.pendingSignIns()).isZero();
    }

    @Test
    void theHighestRoleWinsAnUnscopedOneBeatsAScopedOneAtTheSameRoleAndTwoScopesAtTheTopAreAmbiguous() {
        RoleMappings roles = new RoleMappings(Map.of(
                "staff", MacaqueConfig.RoleMapping.valueOf("viewer"),
                "sre", MacaqueConfig.RoleMapping.valueOf("operator"),
                "payments-oncall", new MacaqueConfig.RoleMapping("operator", Map.of("team", "payments")),
                "search-oncall", new MacaqueConfig.RoleMapping("operator", Map.of("team", "search")),
                "payments-lead", new MacaqueConfig.RoleMapping("admin", Map.of("team", "payments"))));

        assertThat(grant(roles.decide("groups", List.of("staff", "payments-oncall"))))
                .isEqualTo(new RoleMappings.Grant(Role.OPERATOR, new Scope(Map.of("team", "payments")), "payments-oncall"));
        assertThat(grant(roles.decide("groups", List.of("payments-oncall", "sre"))))
                .isEqualTo(new RoleMappings.Grant(Role.OPERATOR, Scope.ALL, "sre"));
        assertThat(grant(roles.decide("groups", List.of("sre", "payments-lead"))).role()).isEqualTo(Role.ADMIN);
        RoleMappings.Decision ambiguous = roles.decide("groups", List.of("payments-oncall", "search-oncall", "staff"));
        assertThat(ambiguous).isInstanceOf(RoleMappings.Decision.NoRole.class);
        assertThat(((RoleMappings.Decision.NoRole) ambiguous).reason()).contains("grant the operator role in different scopes");
        assertThat(((RoleMappings.Decision.NoRole) roles.decide("groups", List.of())).reason())
                .startsWith("none of your groups (none in your sign-in) is mapped to a Macaque role");
    }

    @Test
    void aRoleClaimIsAListOrAStringAndADottedPathReachesIntoObjects() {
        Map<String, Object> claims = Map.of("groups", List.of("a", "b", 3), "role", "sre",
                "realm_access", Map.of("roles", List.of("chaos-operator")));

        assertThat(OidcSignIn.claimValues(claims, "groups")).containsExactly("a", "b");
        assertThat(OidcSignIn.claimValues(claims, "role")).containsExactly("sre");
        assertThat(OidcSignIn.claimValues(claims, "realm_access.roles")).containsExactly("chaos-operator");
        assertThat(OidcSignIn.claimValues(claims, "realm_access.missing")).isEmpty();
        assertThat(OidcSignIn.claimValues(claims, "role.deeper")).isEmpty();
    }

    @Test
    void allowedDomainsLetInOnlyVerifiedEmailsOfThoseDomainsAndTheRedirectUriOverrideIsUsed() {
        try (NimbusIdentityProvider idp = new NimbusIdentityProvider()) {
            com.nimbusds.jose.jwk.RSAKey key = NimbusIdentityProvider.newKey("k1");
            idp.publish(key.toPublicJWK());
            OidcSignIn signIn = new OidcSignIn(new MacaqueConfig.OidcConfig(idp.issuer, "macaque", null, null, null,
                    Map.of("sre", MacaqueConfig.RoleMapping.valueOf("operator")), List.of("Example.com"),
                    "https://macaque.example.com/sign-in/oidc/callback", null), Clock.systemUTC());

            assertThat(signInAs(signIn, idp, key, "alice@example.com", true)).isInstanceOf(OidcSignIn.Outcome.SignedIn.class);
            OidcSignIn.Outcome other = signInAs(signIn, idp, key, "mallory@example.org", true);
            OidcSignIn.Outcome unverified = signInAs(signIn, idp, key, "eve@example.com", false);

            assertThat(other).isInstanceOf(OidcSignIn.Outcome.Refused.class);
            assertThat(((OidcSignIn.Outcome.Refused) other).message())
                    .isEqualTo("Your account (mallory@example.org) is not in a domain allowed to sign in here (Example.com).");
            assertThat(((OidcSignIn.Outcome.Refused) other).status()).isEqualTo(403);
            assertThat(((OidcSignIn.Outcome.Refused) unverified).message()).contains("your email is not verified");
        }
    }

    private static OidcSignIn.Outcome signInAs(OidcSignIn signIn, NimbusIdentityProvider idp, com.nimbusds.jose.jwk.RSAKey key,
            String email, boolean verified) {
        OidcSignIn.Started started = signIn.start("http://127.0.0.1:8080", "/");
        String url = started.authorizationRequest().toString();
        assertThat(SsoBrowser.param(url, "redirect_uri")).isEqualTo("https://macaque.example.com/sign-in/oidc/callback");
        java.time.Instant now = java.time.Instant.now();
        idp.nextIdToken.set(NimbusIdentityProvider.sign(key, "k1", new com.nimbusds.jwt.JWTClaimsSet.Builder().issuer(idp.issuer)
                .audience("macaque").subject("u").claim("email", email).claim("email_verified", verified)
                .claim("groups", List.of("sre")).claim("nonce", SsoBrowser.param(url, "nonce"))
                .issueTime(java.util.Date.from(now)).expirationTime(java.util.Date.from(now.plusSeconds(300))).build()));
        return signIn.finish(SsoBrowser.param(url, "state"), "c0de", null, null, started.browserBinding());
    }

    private static RoleMappings.Grant grant(RoleMappings.Decision decision) {
        assertThat(decision).isInstanceOf(RoleMappings.Decision.Granted.class);
        return ((RoleMappings.Decision.Granted) decision).grant();
    }
}
