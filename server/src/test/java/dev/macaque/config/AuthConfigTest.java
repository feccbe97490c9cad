package dev.macaque.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.auth.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code auth.oidc} and {@code auth.tokens}: defaults, role mappings in both forms, the secret from the environment, and errors. */
class AuthConfigTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("macaque.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static String errors(Runnable load) {
        try {
            load.run();
        } catch (ConfigException e) {
            return String.join("\n", e.errors());
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void rolesMapToABareRoleOrToARoleWithAScopeAndTheSecretComesFromTheEnvironment() throws Exception {
        Path file = yaml("""
                auth:
                  oidc:
                    issuer: https://login.example.com/realms/ops
                    clientId: macaque
                    roles:
                      sre: operator
                      payments-oncall: {role: operator, scope: {team: payments}}
                """);

        MacaqueConfig config = new ConfigLoader(Map.of("MACAQUE_AUTH_OIDC_CLIENT_SECRET", "hunter2")).load(file);

        MacaqueConfig.OidcConfig oidc = config.auth().oidc();
        assertThat(oidc.clientSecret()).isEqualTo("hunter2");
        assertThat(oidc.roles().get("sre")).isEqualTo(new MacaqueConfig.RoleMapping("operator", Map.of()));
        assertThat(oidc.roles().get("payments-oncall")).isEqualTo(new MacaqueConfig.RoleMapping("operator", Map.of("team", "payments")));
        assertThat(oidc.roleClaim()).isEqualTo("groups");
        assertThat(oidc.scopes()).containsExactly("openid", "email", "profile");
        assertThat(config.auth().tokens().dashboardSignIn()).isTrue();
        assertThat(oidc.toString()).doesNotContain("hunter2").contains("clientSecret=****");
        assertThat(config.toString()).doesNotContain("hunter2");
    }

    @Test
    void anHttpIssuerIsAcceptedOnLoopbackOnly() throws Exception {
        String template = """
                auth:
                  oidc:
                    issuer: %s
                    clientId: macaque
                    roles: {sre: operator}
                """;
        for (String loopback : new String[] {"http://127.0.0.1:8081/realms/ops", "http://localhost:9000", "http://[::1]:9000/x"}) {
            Path file = yaml(template.formatted(loopback));
            assertThat(new ConfigLoader(Map.of()).load(file).auth().oidc().issuer()).isEqualTo(loopback);
        }
        Path remote = yaml(template.formatted("http://login.example.com/realms/ops"));

        assertThat(errors(() -> new ConfigLoader(Map.of()).load(remote)))
                .contains("auth.oidc.issuer must use https:// (http:// is accepted on a loopback address only), was 'http://login.example.com/realms/ops'");
    }

    @Test
    void everyMistakeIsReportedAtOnce() throws Exception {
        Path file = yaml("""
                auth:
                  oidc:
                    issuer: ftp://login.example.com
                    scopes: [email]
                    roles:
                      sre: superuser
                      web: {role: operator, scope: {team: ""}}
                    allowedDomains: [not a domain]
                    clockSkew: 1h
                """);

        String errors = errors(() -> new ConfigLoader(Map.of()).load(file));

        assertThat(errors).contains("auth.oidc.issuer must be an https:// URL, was 'ftp://login.example.com'")
                .contains("auth.oidc.clientId is required")
                .contains("auth.oidc.scopes must include 'openid'")
                .contains("auth.oidc.roles.sre: role must be one of viewer, operator, admin, was 'superuser'")
                .contains("auth.oidc.roles.web.scope: a scope is tag: value pairs with neither blank")
                .contains("auth.oidc.allowedDomains: 'not a domain' is not a domain name")
                .contains("auth.oidc.clockSkew must be at most 5m");
    }

    @Test
    void switchingTokenSignInOffWithoutSingleSignOnIsAnError() throws Exception {
        Path file = yaml("""
                auth:
                  tokens:
                    dashboardSignIn: false
                """);

        assertThat(errors(() -> new ConfigLoader(Map.of()).load(file)))
                .contains("auth.tokens.dashboardSignIn is false and auth.oidc is not configured: nobody could sign in to the dashboard");
    }

    @Test
    void theRoleNamesTheConfigurationAcceptsAreTheRoles() {
        assertThat(MacaqueConfig.RoleMapping.ROLE_NAMES).containsExactlyElementsOf(Arrays.stream(Role.values()).map(Role::wireName).toList());
    }
}
