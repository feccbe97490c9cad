package dev.macaque.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.http.TestServer;
import dev.macaque.killswitch.KillSwitchStore;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's Chromium driven through its ChromeDriver (nothing is downloaded), against
 * one server on the demo world. Each test saves a screenshot under {@code target/browser-screenshots/} when it fails;
 * the overview and a live run are also saved there for the README.
 */
class DashboardBrowserTest {
    static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");

    @TempDir
    static Path home;
    @TempDir
    static Path profile;
    static TestServer server;
    static ChromeDriverService service;
    static WebDriver browser;

    @RegisterExtension
    final TestWatcher screenshotOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            screenshot("FAILED-" + context.getRequiredTestMethod().getName());
        }
    };

    @BeforeAll
    static void start() {
        server = TestServer.start(home, Map.of("sim", Map.of("type", "simulated", "world", "demo", "speed", "120")));
        BrowserSession session = BrowserSession.start(profile, "target/chromedriver.log", "1280,900");
        service = session.service();
        browser = session.browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void freshSession() {
        browser.manage().window().setSize(new Dimension(1280, 900));
        open("/sign-in");
        browser.manage().deleteAllCookies();
        browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER); // drains what an earlier test logged
    }

    @AfterEach
    void releaseTheKillSwitch() {
        server.server.injector().getInstance(KillSwitchStore.class).set(false, null, "test");
    }

    @Test
    void signInAndSeeTheDemoFleet() {
        open("/fleet");
        assertThat(browser.getCurrentUrl()).contains("/sign-in");
        signIn(server.adminToken);

        assertThat(browser.getCurrentUrl()).endsWith("/fleet");
        List<String> groups = browser.findElements(By.cssSelector("#fleet-table tbody th a")).stream().map(WebElement::getText).toList();
        assertThat(groups).containsExactly("eu-api", "eu-web", "api", "cache", "db", "web");

        type(By.id("q"), "eu");
        waitUntil(() -> browser.findElements(By.cssSelector("#fleet-table tbody tr")).size() == 2);
        assertThat(browser.getCurrentUrl()).contains("q=eu");
        assertNoConsoleErrors();
    }

    @Test
    void startADryRunFromATemplatePreviewItAndWatchItCompleteLive() {
        assertThat(server.sendJson("PUT", "/api/v1/templates/web-one", server.adminToken, "{\"name\":\"browser-dry-run\","
                + "\"targets\":{\"groups\":[\"web\"]},\"selection\":{\"mode\":\"count\",\"value\":1},\"recovery\":{\"timeout\":\"1m\"},"
                + "\"dryRun\":false}").statusCode()).isEqualTo(201);
        signIn(server.adminToken);
        browser.findElement(By.linkText("New experiment")).click();
        assertThat(browser.findElement(By.id("f-dryRun")).isSelected()).as("dry run is checked by default").isTrue();
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("template"))).selectByValue("web-one");
        browser.findElement(By.xpath("//button[text()='Use template']")).click();
        waitUntil(() -> text(By.id("origin")) != null);
        assertThat(text(By.id("origin"))).contains("web-one").contains("Start runs it as this template");
        assertThat(browser.findElement(By.id("f-name")).getAttribute("value")).isEqualTo("browser-dry-run");
        assertThat(browser.findElement(By.id("f-groups")).getAttribute("value")).isEqualTo("web");
        assertThat(browser.findElement(By.id("f-dryRun")).isSelected()).as("a template starts as a dry run too").isTrue();
        screenshot("new-experiment-from-template");
        // Preview first: the eligible group and the victim this seed picks, before anything starts.
        browser.findElement(By.xpath("//button[text()='Preview']")).click();
        waitUntil(() -> !browser.findElements(By.id("preview")).isEmpty());
        assertThat(text(By.id("preview"))).contains("sim/us-east-1/web");
        assertThat(browser.findElement(By.id("f-dryRun")).isSelected()).as("still a dry run after the preview").isTrue();
        browser.findElement(By.xpath("//button[text()='Start']")).click();

        waitUntil(() -> browser.getCurrentUrl().matches(".*/experiments/run_[0-9a-f]+$"));
        assertThat(text(By.id("run-template"))).isEqualTo("web-one version 1");
        waitUntil(() -> timelineTypes().contains("RUN_COMPLETED"));
        waitUntil(() -> "COMPLETED".equals(text(By.id("run-state"))));
        assertThat(timelineTypes()).contains("RUN_CREATED", "VICTIMS_SELECTED", "TERMINATION_INTENT", "TERMINATION_OUTCOME", "RUN_COMPLETED");
        assertThat(browser.findElements(By.xpath("//button[text()='Abort']"))).isEmpty();
        assertThat(text(By.id("terminations"))).contains("WOULD_TERMINATE");
        assertNoConsoleErrors();
    }

    @Test
    void previewWithAnEmptySeedThenStartRunsExactlyThePreviewedVictims() {
        signIn(server.adminToken);
        open("/experiments/new");
        type(By.id("f-name"), "preview-is-what-runs");
        type(By.id("f-groups"), "web, eu-web");
        type(By.id("f-value"), "2");
        assertThat(browser.findElement(By.id("f-seed")).getAttribute("value")).isEmpty();
        browser.findElement(By.xpath("//button[text()='Preview']")).click();
        waitUntil(() -> !browser.findElements(By.id("preview")).isEmpty());
        String seed = browser.findElement(By.id("f-seed")).getAttribute("value");
        assertThat(seed).as("the form carries the previewed seed").matches("\\d+");
        assertThat(text(By.id("preview-title"))).contains(seed);
        List<String> previewed = browser.findElements(By.cssSelector("#preview-victims li")).stream().map(WebElement::getText).toList();
        assertThat(previewed).hasSize(2);
        // the answer is where the eye is: inside the window, without scrolling
        Long top = (Long) ((JavascriptExecutor) browser).executeScript(
                "return Math.round(document.getElementById('preview').getBoundingClientRect().top);");
        assertThat(top).isBetween(0L, 900L);
        screenshot("new-experiment-preview");

        browser.findElement(By.xpath("//button[text()='Start']")).click();

        waitUntil(() -> browser.getCurrentUrl().matches(".*/experiments/run_[0-9a-f]+$"));
        waitUntil(() -> text(By.id("previewed-vs-actual")) != null && text(By.id("previewed-vs-actual")).contains("Same victims"));
        String runId = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
        var run = server.server.injector().getInstance(dev.macaque.experiments.ExperimentService.class).view(runId).orElseThrow();
        assertThat(run.victims().stream().map(v -> v.group() + "/" + v.instanceId()).toList()).containsExactlyInAnyOrderElementsOf(previewed);
        assertThat(browser.findElement(By.cssSelector("main > p.muted")).getText()).contains("seed " + seed);
    }

    @Test
    void seeTheFleetsGroupsByZoneAndDryRunAZoneOutageFromTheForm() {
        signIn(server.adminToken);
        open("/fleet");
        browser.findElement(By.linkText("Groups × zones")).click();
        waitUntil(() -> browser.getCurrentUrl().contains("/fleet/zones"));
        List<String> zones = browser.findElements(By.cssSelector("#zones-table thead th")).stream().map(WebElement::getText).toList();
        assertThat(zones).hasSizeGreaterThan(2).startsWith("Group", "Healthy / desired");
        assertThat(browser.findElements(By.cssSelector("#zones-table tbody tr"))).hasSize(6);
        assertThat(text(By.id("zones-summary"))).isNotBlank();
        screenshot("zones");

        open("/experiments/new");
        type(By.id("f-name"), "gorilla-dry");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("f-mode"))).selectByValue("zone");
        type(By.id("f-value"), "random");
        assertThat(browser.findElement(By.id("f-dryRun")).isSelected()).isTrue();
        browser.findElement(By.xpath("//button[text()='Start']")).click();
        waitUntil(() -> browser.getCurrentUrl().matches(".*/experiments/run_[0-9a-f]+$"));
        // A drawn zone whose outage the budgets refuse whole ends at once: the page may render the finished run,
        // which has no live badge, or follow it live until the badge says ended.
        waitUntil(() -> browser.findElements(By.id("live-badge")).isEmpty() || "ended".equals(text(By.id("live-badge"))));
        assertThat(timelineTypes()).contains("ZONE_SELECTED", "VICTIMS_SELECTED");
        assertNoConsoleErrors();
    }

    @Test
    void startARealKillAndWatchTheGroupRecoverLive() {
        signIn(server.adminToken);
        open("/experiments/new");
        type(By.id("f-name"), "kill-one-api");
        type(By.id("f-groups"), "api");
        type(By.id("f-timeout"), "5m");
        type(By.id("f-pollInterval"), "1s");
        browser.findElement(By.id("f-dryRun")).click();
        assertThat(browser.findElement(By.id("f-dryRun")).isSelected()).isFalse();
        // Enter in a field presses Preview, never Start: nothing is started by a keypress
        browser.findElement(By.id("f-name")).sendKeys(org.openqa.selenium.Keys.ENTER);
        waitUntil(() -> !browser.findElements(By.id("preview")).isEmpty());
        assertThat(browser.getCurrentUrl()).endsWith("/experiments/new");
        String previewed = text(By.id("preview-victims"));
        browser.findElement(By.xpath("//button[text()='Start']")).click();
        // a real kill asks first: what it terminates, in which mode, and the experiment's name typed
        waitUntil(() -> !browser.findElements(By.id("confirm")).isEmpty());
        assertThat(text(By.id("confirm-mode"))).contains("leashed").contains("terminated");
        assertThat(text(By.id("mode"))).startsWith("Mode leashed");
        assertThat(text(By.id("confirm-summary"))).contains("1 instance").contains("1 group");
        assertThat(text(By.id("confirm-victims"))).contains("sim/us-east-1/api: 1").contains(previewed.substring(previewed.lastIndexOf('/') + 1));
        screenshot("confirm-real-kill");
        browser.findElement(By.id("confirm-name")).sendKeys(org.openqa.selenium.Keys.ENTER);
        assertThat(browser.getCurrentUrl()).as("an empty confirmation starts nothing").endsWith("/experiments/new");
        type(By.id("confirm-name"), "kill-one-api");
        browser.findElement(By.id("confirm-start")).click();

        waitUntil(() -> browser.getCurrentUrl().matches(".*/experiments/run_[0-9a-f]+$"));
        assertThat(text(By.id("previewed-vs-actual"))).contains("Same victims");
        // the page was rendered while the run went on; everything after that arrived over server-sent events
        waitUntil(() -> timelineTypes().contains("HEALTH_CHECKED"));
        screenshot("live-run");
        // the summary may say COMPLETED a moment before the last event reaches the timeline; "ended" comes after every event
        waitUntil(() -> "ended".equals(text(By.id("live-badge"))));
        assertThat(text(By.id("run-state"))).isEqualTo("COMPLETED");
        assertThat(timelineTypes()).contains("TERMINATION_OUTCOME", "VERIFICATION_STARTED", "GROUP_RECOVERED", "RUN_COMPLETED");
        assertThat(text(By.id("recoveries"))).contains("sim/us-east-1/api").contains("RECOVERED");
        screenshot("live-run-completed");

        open("/");
        assertThat(text(By.id("kills-title"))).isNotNull();
        screenshot("overview");
        browser.navigate().back();
        browser.findElement(By.cssSelector("#recoveries a")).click();
        waitUntil(() -> browser.getCurrentUrl().endsWith("/fleet/sim/us-east-1/api"));
        assertThat(browser.findElements(By.cssSelector("#recovery-chart canvas"))).as("uPlot drew the recovery chart").isNotEmpty();
        // one point: an axis of about two hours around it, labelled in UTC on a 24-hour clock (not three years, not "2 PM")
        JsonRange range = JsonRange.of(browser.findElement(By.id("recovery-chart")).getAttribute("data-range"));
        assertThat(range.span()).isBetween(3600.0, 3 * 3600.0);
        String ticks = browser.findElement(By.id("recovery-chart")).getAttribute("data-ticks");
        assertThat(ticks).matches("\\[(\"\\d{2}:\\d{2}\",?)+\\]").doesNotContainIgnoringCase("am").doesNotContainIgnoringCase("pm");
        assertThat(text(By.id("members"))).contains("IN_SERVICE").contains("healthy");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('members-title').scrollIntoView();");
        screenshot("group");
        assertNoConsoleErrors();
    }

    @Test
    void createAScheduleFromTheSchedulesPageFixItsErrorAndDisableIt() {
        signIn(server.adminToken);
        open("/schedules");
        browser.findElement(By.id("new-schedule")).click();
        type(By.id("s-name"), "browser-weekdays");
        type(By.id("s-zone"), "Europe/Pariss");
        type(By.id("s-meanTimeBetweenKills"), "3d");
        WebElement experiment = browser.findElement(By.id("s-experiment"));
        experiment.clear();
        experiment.sendKeys("{\"targets\": {\"groups\": [\"web\"]}, \"dryRun\": true}");
        browser.findElement(By.xpath("//button[text()='Create schedule']")).click();
        waitUntil(() -> text(By.id("error-zone")) != null);
        assertThat(text(By.id("error-zone"))).contains("Europe/Pariss").contains("IANA");
        assertThat(browser.findElement(By.id("s-name")).getAttribute("value")).isEqualTo("browser-weekdays");
        screenshot("schedule-form-error");
        browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER); // the 400 of the refused form, as intended
        type(By.id("s-zone"), "Europe/Paris");
        browser.findElement(By.xpath("//button[text()='Create schedule']")).click();
        waitUntil(() -> browser.getCurrentUrl().contains("/schedules?notice=schedule-created"));
        assertThat(text(By.id("notice"))).isEqualTo("Schedule created.");
        WebElement card = browser.findElement(By.xpath("//section[contains(@class,'schedule')][.//h2[contains(.,'browser-weekdays')]]"));
        card.findElement(By.xpath(".//button[text()='Disable']")).click();
        waitUntil(() -> browser.getCurrentUrl().contains("notice=schedule-disabled"));
        card = browser.findElement(By.xpath("//section[contains(@class,'schedule')][.//h2[contains(.,'browser-weekdays')]]"));
        assertThat(card.findElement(By.cssSelector("h2 .tag")).getText()).isEqualTo("disabled");
        assertThat(card.findElements(By.xpath(".//button[text()='Enable']"))).hasSize(1);
        screenshot("schedules");
        assertNoConsoleErrors();
    }

    @Test
    void engageTheKillSwitchAndSeeTheNextRunRefused() {
        signIn(server.adminToken);
        type(By.id("engage-reason"), "game day paused");
        browser.findElement(By.xpath("//button[text()='Engage kill switch']")).click();
        waitUntil(() -> "Engaged".equals(text(By.id("killswitch-state"))));
        assertThat(text(By.id("killswitch-banner"))).contains("Kill switch engaged").contains("game day paused");

        open("/experiments/new");
        type(By.id("f-name"), "refused-by-the-switch");
        type(By.id("f-groups"), "cache");
        browser.findElement(By.id("f-dryRun")).click();
        browser.findElement(By.xpath("//button[text()='Start']")).click();
        waitUntil(() -> !browser.findElements(By.id("confirm-name")).isEmpty());
        type(By.id("confirm-name"), "refused-by-the-switch");
        browser.findElement(By.id("confirm-start")).click();
        waitUntil(() -> browser.getCurrentUrl().matches(".*/experiments/run_[0-9a-f]+$"));
        waitUntil(() -> timelineTypes().contains("TERMINATION_REFUSED"));
        // the summary follows its timeline entry over the same stream
        waitUntil(() -> text(By.id("refusals")) != null);
        assertThat(text(By.id("refusals"))).contains("KILL_SWITCH");

        open("/");
        browser.findElement(By.xpath("//button[text()='Release kill switch']")).click();
        waitUntil(() -> "Released".equals(text(By.id("killswitch-state"))));
        assertNoConsoleErrors();
    }

    @Test
    void aViewerFindsNoActionButtonsAndAForgedActionIsForbidden() {
        signIn(server.token("big-screen", "viewer"));

        assertThat(browser.findElement(By.id("killswitch-state")).getText()).isEqualTo("Released");
        assertThat(browser.findElements(By.tagName("button")).stream().map(WebElement::getText).toList()).containsExactly("Sign out");
        assertThat(browser.findElements(By.linkText("New experiment"))).isEmpty();
        // typing the address anyway: a page that says why, inside the dashboard, with the way back
        open("/experiments/new");
        assertThat(text(By.id("error-title"))).isEqualTo("Not allowed (403)");
        assertThat(text(By.id("error-detail"))).contains("operator");
        screenshot("error-403");
        browser.findElement(By.linkText("Back to the overview")).click();
        waitUntil(() -> browser.getCurrentUrl().endsWith("/"));

        // what a forged click would send: the page's own CSRF token, the viewer's session cookie
        Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const csrf = document.querySelector('input[name=csrf]').value;
                fetch('/killswitch/engage', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'},
                    body: 'csrf=' + encodeURIComponent(csrf) + '&reason=forged'}).then(r => done(r.status));
                """);
        assertThat(status).isEqualTo(403L);
        assertThat(server.server.injector().getInstance(KillSwitchStore.class).engaged()).isFalse();
    }

    @Test
    void everyPageIsUsableAt390PixelsWideAndItsTextHasAaContrast() {
        signIn(server.adminToken);
        browser.manage().window().setSize(new Dimension(390, 844));
        for (String page : List.of("/fleet", "/fleet/sim/us-east-1/api", "/experiments", "/experiments/new", "/schedules", "/audit",
                "/simulations", "/")) {
            open(page);
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow).as("no horizontal scrolling at 390 px on " + page).isLessThanOrEqualTo(0L);
            assertThat(lowContrastText()).as("text below WCAG AA contrast on " + page).isEmpty();
        }
        assertThat(browser.findElement(By.xpath("//button[text()='Engage kill switch']")).isDisplayed()).isTrue();
        screenshot("overview-390");
    }

    @Test
    void theKeyboardReachesTheContentFirstAndThenEveryLinkOfTheMenu() {
        signIn(server.adminToken);
        open("/fleet");
        WebElement first = tab();
        assertThat(first.getText()).isEqualTo("Skip to content");
        first.sendKeys(org.openqa.selenium.Keys.ENTER);
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("main");
        open("/fleet");
        List<String> reached = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            reached.add(tab().getText());
        }
        assertThat(reached).containsSubsequence("Skip to content", "Macaque", "Overview", "Fleet", "Experiments", "New experiment",
                "Schedules", "Audit", "Simulations", "API", "Sign out");
    }

    /**
     * Every visible piece of text whose colour has less than WCAG AA contrast (4.5:1, 3:1 for large text) with the
     * background it is drawn on, as "text (ratio)".
     */
    @SuppressWarnings("unchecked")
    private static List<String> lowContrastText() {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("""
                function rgba(c) { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
                function lum(c) { return [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
                function background(el) {
                  for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; }
                  return {r: 255, g: 255, b: 255, a: 1};
                }
                const low = [];
                for (const el of document.querySelectorAll('body *')) {
                  if (el.closest('.skip, canvas, .u-legend, svg')) continue;
                  const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join(' ').trim();
                  if (!text || !el.getClientRects().length) continue;
                  const style = getComputedStyle(el);
                  if (style.visibility === 'hidden') continue;
                  const fg = lum(rgba(style.color)), bg = lum(background(el));
                  const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
                  const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
                  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
                  if (ratio < needed) low.push(text.slice(0, 40) + ' (' + ratio.toFixed(2) + ')');
                }
                return low;
                """);
    }

    /** Presses Tab and answers the element that has the focus then. */
    private static WebElement tab() {
        new org.openqa.selenium.interactions.Actions(browser).sendKeys(org.openqa.selenium.Keys.TAB).perform();
        return browser.switchTo().activeElement();
    }

    @Test
    void theApiReferenceRendersTheOpenApiDocumentWithSwaggerUi() {
        open("/docs");
        waitUntil(() -> !browser.findElements(By.cssSelector(".swagger-ui .info .title")).isEmpty());
        assertThat(text(By.cssSelector(".swagger-ui .info .title"))).contains("Macaque");
        waitUntil(() -> !browser.findElements(By.cssSelector(".opblock-summary-path")).isEmpty());
        assertThat(browser.findElements(By.cssSelector(".opblock-summary-path")).stream().map(e -> e.getAttribute("data-path")).toList())
                .contains("/api/v1/experiments", "/api/v1/killswitch");
        List<String> groups = browser.findElements(By.cssSelector(".opblock-tag")).stream().map(e -> e.getAttribute("data-tag")).toList();
        assertThat(groups).contains("Experiments", "Schedules", "Kill switch", "Operations").doesNotContain("default");
        screenshot("api-reference");
        browser.findElement(By.id("back-to-dashboard")).click();
        waitUntil(() -> browser.getCurrentUrl().contains("/sign-in"));
        assertNoConsoleErrors();
    }

    @Test
    void signOutEndsTheSession() {
        signIn(server.adminToken);
        browser.findElement(By.xpath("//button[text()='Sign out']")).click();
        waitUntil(() -> browser.getCurrentUrl().contains("/sign-in"));
        assertThat(text(By.id("notice"))).contains("You are signed out.");

        open("/");
        assertThat(browser.getCurrentUrl()).contains("/sign-in");
    }

    private static void signIn(String token) {
        if (!browser.getCurrentUrl().contains("/sign-in")) {
            open("/sign-in");
        }
        type(By.id("token"), token);
        browser.findElement(By.xpath("//button[text()='Sign in']")).click();
        waitUntil(() -> !browser.getCurrentUrl().contains("/sign-in"));
    }

    private static void open(String path) {
        browser.get("http://127.0.0.1:" + server.server.port() + path);
    }

    private static void type(By field, String text) {
        WebElement element = browser.findElement(field);
        element.clear();
        element.sendKeys(text);
    }

    private static String text(By element) {
        List<WebElement> found = browser.findElements(element);
        return found.isEmpty() ? null : found.get(0).getText();
    }

    private static List<String> timelineTypes() {
        return browser.findElements(By.cssSelector("#timeline li")).stream().map(li -> li.getAttribute("data-type")).toList();
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) {
        // htmx swaps fragments while the page updates live: an element read mid-swap is stale, so read it again
        new WebDriverWait(browser, Duration.ofSeconds(30)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> condition.getAsBoolean());
    }

    /** The page loaded every script and style it asked for, and nothing broke the CSP. */
    private static void assertNoConsoleErrors() {
        var logs = browser.manage().logs().get(org.openqa.selenium.logging.LogType.BROWSER).getAll();
        assertThat(logs.stream().filter(l -> l.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                .map(l -> l.getMessage()).filter(m -> !m.contains("favicon.ico")).toList()).isEmpty();
    }

    /** A chart's x range as the page records it: {@code [min, max]} in epoch seconds. */
    record JsonRange(double min, double max) {
        static JsonRange of(String json) {
            String[] parts = json.replaceAll("[\\[\\]]", "").split(",");
            return new JsonRange(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]));
        }

        double span() {
            return max - min;
        }
    }

    static void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            System.err.println("could not take the screenshot " + name + ": " + e);
        }
    }
}
