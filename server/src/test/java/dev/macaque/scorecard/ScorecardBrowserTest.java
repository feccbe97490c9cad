package dev.macaque.scorecard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.store.TestDatabases;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The scorecard page in Debian's Chromium: groups most in need first, the fleet score, the definitions, no CSP error. */
class ScorecardBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("macaque.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("macaque.chromedriver", "/usr/bin/chromedriver"));

    @TempDir
    Path home;
    @TempDir
    Path profile;
    private ScorecardWorld world;
    private ChromeDriverService service;
    private WebDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (world != null) {
            world.close();
        }
    }

    private void openBrowser() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need Debian's Chromium and ChromeDriver at " + CHROMIUM + " and " + CHROMEDRIVER);
        }
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(new File("target/chromedriver-scorecard.log")).build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1280,900");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    private void open(String path) {
        browser.get("http://127.0.0.1:" + world.server.server.port() + path);
    }

    @Test
    void theScorecardPageShowsTheGroupsMostInNeedFirstWithTheirStatusAndTheDefinitions() {
        world = new ScorecardWorld(home, TestDatabases.h2(home));
        JsonNode web = world.run("web", false, "30s");
        world.run("stuck", false, "1s");
        world.clock.set(ScorecardWorld.recoveredAt(web).plusSeconds(60));
        openBrowser();

        open("/scorecard");
        browser.findElement(By.id("token")).sendKeys(world.viewer);
        browser.findElement(By.xpath("//button[text()='Sign in']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("/scorecard"));

        List<WebElement> rows = browser.findElements(By.cssSelector("#scorecard-groups tbody tr"));
        assertThat(rows.stream().map(r -> r.getAttribute("data-group")).toList())
                .containsExactly("sim/r1/dry", "sim/r1/idle", "sim/r1/old", "sim/r1/stuck", "sim/r1/web");
        assertThat(rows.get(3).findElement(By.cssSelector(".status")).getText()).isEqualTo("FAILING");
        assertThat(rows.get(4).findElement(By.cssSelector(".status")).getText()).isEqualTo("VERIFIED");
        assertThat(browser.findElement(By.id("fleet-score")).getText()).isEqualTo("30.0");
        assertThat(browser.findElement(By.id("definitions")).getText()).contains("VERIFIED 100").contains("nearest rank");
        assertThat(browser.findElements(By.cssSelector(".trend rect"))).hasSize(12);
        assertThat(browser.findElement(By.cssSelector("nav a[aria-current=page]")).getText()).isEqualTo("Scorecard");
        var severe = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(l -> l.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(l -> l.getMessage()).filter(m -> !m.contains("favicon.ico")).toList();
        assertThat(severe).as("nothing broke the page's Content-Security-Policy").isEmpty();
    }

    @Test
    void theRunPagesReportLinkAndTheWeeklyReportOpenAsPrintablePagesThatLoadNothing() {
        world = new ScorecardWorld(home, TestDatabases.h2(home));
        JsonNode web = world.run("web", false, "30s");
        openBrowser();
        open("/experiments/" + web.get("id").asText());
        browser.findElement(By.id("token")).sendKeys(world.viewer);
        browser.findElement(By.xpath("//button[text()='Sign in']")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith(web.get("id").asText()));

        browser.findElement(By.id("run-report")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().endsWith("/report.html"));
        assertThat(browser.getTitle()).isEqualTo("Run report: kill-web (" + web.get("id").asText() + ")");
        assertThat(browser.findElements(By.cssSelector("tr.victim"))).hasSize(1);
        assertThat(browser.findElement(By.cssSelector("tr.recovery")).getText()).contains("sim/r1/web").contains("RECOVERED");
        // the inline style applied under a CSP of default-src 'none'
        assertThat(browser.findElement(By.tagName("pre")).getCssValue("white-space")).isEqualTo("pre-wrap");

        open("/scorecard");
        browser.findElement(By.id("this-week")).click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> d.getCurrentUrl().contains("/reports/weekly?week="));
        assertThat(browser.findElement(By.id("real-kills")).getText()).isEqualTo("1");
        var severe = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll().stream()
                .filter(l -> l.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(l -> l.getMessage()).filter(m -> !m.contains("favicon.ico")).toList();
        assertThat(severe).as("the reports loaded nothing the CSP had to block").isEmpty();
    }
}
