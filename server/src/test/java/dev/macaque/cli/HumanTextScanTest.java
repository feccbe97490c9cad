package dev.macaque.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.dashboard.experiments.RunTimeline;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunVerdict;
import dev.macaque.engine.Verdict;
import dev.macaque.experiments.RunEventView;
import dev.macaque.experiments.RunStore;
import dev.macaque.http.TestServer;
import dev.macaque.notify.RunNotifications;
import dev.macaque.store.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sentence a person reads about a run — its timeline, the CLI's event lines and summary, the webhooks' text, its
 * verdict, refusals and termination details — for runs of every kind, scanned for internal formats that leak: ISO
 * durations ({@code PT10S}), a map's {@code toString} ({@code {TERMINATED=1}}), nanosecond timestamps, milliseconds
 * glued to a number, "a IN_SERVICE", and plurals such as "1 kills" or "(s)".
 */
class HumanTextScanTest {
    private static final Map<String, Pattern> LEAKS = Map.of(
            "ISO-8601 duration", Pattern.compile("\\bPT\\d"),
            "map toString", Pattern.compile("\\{[A-Z_]+="),
            "sub-millisecond timestamp", Pattern.compile("\\d{2}:\\d{2}:\\d{2}\\.\\d{4,}"),
            "milliseconds glued to a number", Pattern.compile("\\b\\d+ms\\b"),
            "'a' before a vowel code", Pattern.compile("\\ba [AEIOU][A-Z_]{2,}"),
            "wrong singular", Pattern.compile("\\b1 (kills|terminations|victims|groups|attempts|times|instances)\\b(?![=\\w])"),
            "(s) plural", Pattern.compile("\\(s\\)"));

    @TempDir
    Path home;
    private TestServer server;
    private String operator;

    @BeforeEach
    void start() {
        server = TestServer.start(home, TestDatabases.h2(home), MacaqueConfig.Mode.UNLEASHED, Map.of(
                "tc", Map.of("type", "testcloud", "groups", "eu-west-1:web:4:true,us-east-1:api:3:true", "healAfterMillis", "50"),
                "stuck", Map.of("type", "testcloud", "groups", "eu-west-1:app:3:true", "healAfterMillis", "600000"),
                "sim", Map.of("type", "simulated", "world", "demo", "speed", "600")));
        operator = server.token("oncall", "operator");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode run(String provider, String group, int count, String extra) {
        String body = "{\"name\":\"scan-" + group + "\",\"targets\":{\"providers\":[\"" + provider + "\"],\"groups\":[\"" + group + "\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":" + count + "},\"recovery\":{\"timeout\":\"2s\",\"pollInterval\":\"100ms\"}"
                + extra + "}";
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = TestServer.json(created).get("id").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return !last[0].get("verdict").isNull();
        });
        return last[0];
    }

    /** Every sentence the product writes about {@code run}. */
    private List<String> sentences(JsonNode run) {
        String id = run.get("id").asText();
        List<String> texts = new ArrayList<>();
        texts.add(run.get("verdictReason").asText());
        texts.add(run.path("failureReason").asText(""));
        run.get("refusals").forEach(r -> texts.add(r.get("message").asText()));
        run.get("terminations").forEach(t -> texts.add(t.path("detail").asText("")));
        run.get("recoveries").forEach(r -> texts.add(r.path("detail").asText("")));
        for (JsonNode event : TestServer.json(server.get("/api/v1/experiments/" + id + "/events", operator)).get("items")) {
            texts.add(Tables.eventLine(event));
        }
        RunVerdict verdict = new RunVerdict(Verdict.valueOf(run.get("verdict").asText()), run.get("verdictReason").asText());
        for (RunEvent event : server.server.injector().getInstance(RunStore.class).events(id, 0)) {
            RunTimeline.Entry entry = RunTimeline.entry(RunEventView.of(event));
            texts.add(entry.title());
            entry.fields().forEach(f -> texts.add(f.name() + " " + f.value()));
            RunNotifications.of(event, verdict).ifPresent(n -> texts.add(n.text()));
        }
        StringWriter summary = new StringWriter();
        RunFollower.summary(new PrintWriter(summary), run);
        texts.add(summary.toString());
        return texts;
    }

    @Test
    void noSentenceAboutARunOfAnyKindLeaksAnInternalFormat() {
        List<JsonNode> runs = new ArrayList<>();
        runs.add(run("tc", "web", 1, ""));                                              // PASSED
        runs.add(run("tc", "web", 2, ",\"guardrails\":{\"maxTerminations\":1}"));       // PARTIAL
        runs.add(run("stuck", "app", 1, ""));                                           // FINDING
        runs.add(run("sim", "api", 1, ",\"dryRun\":true"));                             // dry run on the simulated cloud
        runs.add(run("sim", "web", 1, ""));                                             // a real kill on the simulated cloud
        server.sendJson("PUT", "/api/v1/killswitch", operator, "{\"engaged\":true}");
        runs.add(run("tc", "api", 1, ""));                                              // NOTHING_KILLED
        assertThat(runs).extracting(r -> r.get("verdict").asText())
                .containsExactly("PASSED", "PARTIAL", "FINDING", "PASSED", "PASSED", "NOTHING_KILLED");

        List<String> leaks = new ArrayList<>();
        for (JsonNode run : runs) {
            for (String text : sentences(run)) {
                LEAKS.forEach((what, pattern) -> {
                    if (pattern.matcher(text).find()) {
                        leaks.add(what + ": " + text);
                    }
                });
            }
        }
        assertThat(leaks).isEmpty();
    }
}
