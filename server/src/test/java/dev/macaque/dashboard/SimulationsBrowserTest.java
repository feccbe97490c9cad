package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.cli.MacaqueCommand;
import dev.macaque.http.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A report of {@code macaque simulate}, written where the dashboard looks by default, seen in a real browser inside
 * the dashboard's frame: the crumbs lead back, and the report itself shows in its sandboxed frame with its incident
 * story. The page is saved under {@code target/browser-screenshots/} for the docs.
 */
class SimulationsBrowserTest {
    @TempDir
    static Path home;
    @TempDir
    static Path profile;
    static TestServer server;
    static BrowserSession session;
    static WebDriver browser;

    @BeforeAll
    static void start() {
        server = TestServer.start(home, Map.of());
        session = BrowserSession.start(profile, "target/chromedriver-simulations.log", "1280,1400");
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
    }

    @Test
    void aCommandLineReportOpensInsideTheDashboardWithItsStory() throws IOException {
        // The test server's working directory is its home: where macaque simulate writes by default from there.
        Path out = home.resolve("simulation-out").resolve("zone-outage");
        int exit = MacaqueCommand.commandLine().execute("simulate", Path.of("../docs/scenarios/zone-outage.yaml").toString(),
                "--out", out.toString(), "--quiet", "--events", "none");
        assertThat(exit).isEqualTo(1); // the lesson fails its SLO on purpose
        open("/sign-in");
        browser.findElement(By.id("token")).sendKeys(server.adminToken);
        browser.findElement(By.xpath("//button[text()='Sign in']")).click();
        waitUntil(() -> !browser.getCurrentUrl().contains("/sign-in"));

        open("/simulations");
        browser.findElement(By.linkText("zone-outage")).click();
        waitUntil(() -> browser.getCurrentUrl().matches(".*/simulations/[^/]+$"));

        assertThat(browser.findElement(By.id("verdict")).getText()).isEqualTo("A hypothesis failed");
        assertThat(browser.findElement(By.cssSelector(".crumbs a")).getAttribute("href")).endsWith("/simulations");
        WebElement frame = browser.findElement(By.cssSelector("iframe.report"));
        browser.switchTo().frame(frame);
        try {
            waitUntil(() -> !browser.findElements(By.cssSelector(".story p")).isEmpty());
            assertThat(browser.findElement(By.cssSelector(".story p")).getText())
                    .startsWith("payments lost 2 of 4 members at Fri 2 Jan 10:00 UTC (zone outage): 200 < 350 req/s")
                    .contains("payments served 57% of its calls");
            assertThat(browser.findElement(By.cssSelector(".card.bad .label")).getText()).isEqualToIgnoringCase("payments availability");
        } finally {
            browser.switchTo().defaultContent();
        }
        screenshot("dashboard-simulation");
    }

    private static void open(String path) {
        browser.get("http://127.0.0.1:" + server.server.port() + path);
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> condition.getAsBoolean());
    }

    private static void screenshot(String name) {
        try {
            Files.createDirectories(DashboardBrowserTest.SCREENSHOTS);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), DashboardBrowserTest.SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
