package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Single sign-on in a real browser (Debian's Chromium): the dashboard on {@code 127.0.0.1}, the identity provider
 * (mock-oauth2-server) reached as {@code localhost}, so that the provider is another site and the browser applies its
 * cross-site cookie rules to the redirects as it would with a company's provider.
 */
class SingleSignOnBrowserTest {
    @TempDir
    static Path home;
    @TempDir
    static Path profile;
    static MockOAuth2Server idp;
    static TestServer server;
    static BrowserSession session;
    static WebDriver browser;

    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            screenshot("FAILED-sso-" + context.getRequiredTestMethod().getName());
        }
    };

    @BeforeAll
    static void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
        String issuer = "http://localhost:" + idp.baseUrl().port() + "/corp";
        MacaqueConfig.OidcConfig oidc = new MacaqueConfig.OidcConfig(issuer, "macaque", "s3cret", null, null,
                Map.of("sre", MacaqueConfig.RoleMapping.valueOf("operator"),
                        "platform-oncall", new MacaqueConfig.RoleMapping("operator", Map.of("team", "platform"))),
                null, null, null);
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", "demo", "speed", "120")),
                config -> config.withAuth(new MacaqueConfig.AuthConfig(oidc, null)));
        session = BrowserSession.start(profile, "target/chromedriver-sso.log", "1280,900");
        browser = session.browser();
    }

    @AfterAll
    static void stop() {
        if (session != null) {
            session.stop();
        }
        if (server != null) {
            server.close();
        }
        if (idp != null) {
            idp.shutdown();
        }
    }

    @BeforeEach
    void signedOut() {
        open("/sign-in");
        browser.manage().deleteAllCookies();
    }

    @Test
    void signInWithTheCompanyAccountLandsOnTheRequestedPageWithTheMappedRole() {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("corp", "u-1", "JWT", List.of("macaque"),
                Map.of("email", "alice@example.com", "groups", List.of("sre")), 3600));
        open("/fleet");
        assertThat(browser.getCurrentUrl()).contains("/sign-in");

        browser.findElement(By.id("sso")).click();

        waitUntil(() -> browser.getCurrentUrl().endsWith("/fleet"));
        assertThat(browser.findElement(By.cssSelector("header")).getText()).contains("alice@example.com").contains("operator");
        assertThat(browser.findElements(By.cssSelector("#fleet-table tbody tr"))).hasSize(6);
        screenshot("sso-signed-in");
    }

    @Test
    void aTeamsOperatorPreviewsTheWholeFleetAndFindsOtherTeamsGroupsOutOfScope() {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("corp", "u-2", "JWT", List.of("macaque"),
                Map.of("email", "pat@example.com", "groups", List.of("platform-oncall")), 3600));
        open("/sign-in?next=/experiments/new");
        browser.findElement(By.id("sso")).click();
        waitUntil(() -> browser.getCurrentUrl().endsWith("/experiments/new"));

        assertThat(browser.getPageSource()).doesNotContain("OUT_OF_SCOPE");
        browser.findElement(By.id("f-name")).sendKeys("platform-drill");
        browser.findElement(By.xpath("//button[text()='Preview']")).click();

        waitUntil(() -> !browser.findElements(By.id("preview")).isEmpty());
        String preview = browser.findElement(By.id("preview")).getText();
        assertThat(preview).contains("sim/us-east-1/cache").contains("OUT_OF_SCOPE: outside the scope team=platform (its team is 'storefront')");
        screenshot("sso-scoped-preview");
    }

    @Test
    void aUserWithoutARoleIsToldSoOnTheSignInPage() {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback("corp", "u-3", "JWT", List.of("macaque"),
                Map.of("email", "sam@example.com", "groups", List.of("marketing")), 3600));
        open("/sign-in");

        browser.findElement(By.id("sso")).click();

        waitUntil(() -> browser.getPageSource().contains("no role in Macaque"));
        assertThat(browser.findElement(By.id("sign-in-error")).getText())
                .startsWith("You signed in as sam@example.com, but you have no role in Macaque");
        open("/");
        assertThat(browser.getCurrentUrl()).contains("/sign-in");
    }

    static void screenshot(String name) {
        try {
            Files.createDirectories(DashboardBrowserTest.SCREENSHOTS);
            java.io.File shot = ((org.openqa.selenium.TakesScreenshot) browser).getScreenshotAs(org.openqa.selenium.OutputType.FILE);
            Files.copy(shot.toPath(), DashboardBrowserTest.SCREENSHOTS.resolve(name + ".png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void open(String path) {
        browser.get("http://127.0.0.1:" + server.server.port() + path);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }
}
