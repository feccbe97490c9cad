package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Experiment runs over real HTTP against a running server with an in-memory test cloud behind it. */
class ExperimentsHttpTest {
    private static final Map<String, Object> CLOUD = Map.of("type", "testcloud",
            "groups", "eu-west-1:web:4:true,eu-west-1:db:3:false,us-east-1:api:3:true", "healAfterMillis", "50");

    @TempDir
    Path home;
    private TestServer server;
    private String operator;

    @AfterEach
    void stop() {
        TestCloudFactory.GATES.values().forEach(g -> g.release(1000));
        TestCloudFactory.GATES.clear();
        if (server != null) {
            server.close();
        }
    }

    private void start(MacaqueConfig.Mode mode) {
        server = TestServer.start(home, TestDatabases.h2(home), mode, Map.of("tc", CLOUD));
        operator = server.token("oncall", "operator");
    }

    private static String spec(String extra) {
        return "{\"name\":\"kill-web\",\"targets\":{\"providers\":[\"tc\"],\"groups\":[\"web\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":1},\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"100ms\"}" + extra + "}";
    }

    private JsonNode post(String body) {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode run = TestServer.json(created);
        assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/experiments/" + run.get("id").asText());
        return run;
    }

    private JsonNode awaitState(String id, String... states) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return List.of(states).contains(last[0].get("state").asText());
        });
        return last[0];
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detailPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        assertThat(TestServer.json(response).get("detail").asText()).contains(detailPart);
    }

    @Test
    void aRealExperimentKillsOneOptedInMemberAndVerifiesRecovery() {
        start(MacaqueConfig.Mode.UNLEASHED);
        int before = TestCloudFactory.TERMINATED.size();

        JsonNode created = post(spec(",\"seed\":7"));
        assertThat(created.get("seed").asLong()).isEqualTo(7);
        JsonNode run = awaitState(created.get("id").asText(), "COMPLETED", "FAILED");

        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("dryRun").asBoolean()).isFalse();
        assertThat(run.get("terminations")).hasSize(1);
        JsonNode termination = run.get("terminations").get(0);
        assertThat(termination.get("group").asText()).isEqualTo("tc/eu-west-1/web");
        assertThat(termination.get("status").asText()).isEqualTo("TERMINATED");
        assertThat(termination.get("intentAt").asText()).isNotBlank();
        JsonNode recovery = run.get("recoveries").get(0);
        assertThat(recovery.get("status").asText()).isEqualTo("RECOVERED");
        assertThat(recovery.get("timeToRecoverSeconds").asDouble()).isPositive();
        assertThat(TestCloudFactory.TERMINATED.subList(before, TestCloudFactory.TERMINATED.size()))
                .containsExactly("tc/eu-west-1/web/" + termination.get("instanceId").asText());
    }

    @Test
    void theSameSeedChoosesTheSameVictim() {
        start(MacaqueConfig.Mode.UNLEASHED);
        String first = awaitState(post(spec(",\"seed\":99,\"dryRun\":true")).get("id").asText(), "COMPLETED")
                .get("victims").get(0).get("instanceId").asText();
        String second = awaitState(post(spec(",\"seed\":99,\"dryRun\":true")).get("id").asText(), "COMPLETED")
                .get("victims").get(0).get("instanceId").asText();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void leashedModeTurnsARunThatMayReachARealCloudIntoADryRun() {
        start(MacaqueConfig.Mode.LEASHED);
        int before = TestCloudFactory.TERMINATED.size();

        JsonNode created = post(spec(""));
        JsonNode run = awaitState(created.get("id").asText(), "COMPLETED", "FAILED");

        assertThat(created.get("dryRun").asBoolean()).isTrue();
        assertThat(run.get("leashed").asBoolean()).isTrue();
        assertThat(run.get("terminations").get(0).get("status").asText()).isEqualTo("WOULD_TERMINATE");
        assertThat(TestCloudFactory.TERMINATED).hasSize(before);
    }

    @Test
    void aNotOptedInGroupIsNeverTouchedEvenWhenNamed() {
        start(MacaqueConfig.Mode.UNLEASHED);
        int before = TestCloudFactory.TERMINATED.size();

        HttpResponse<String> refused = server.sendJson("POST", "/api/v1/experiments", operator,
                "{\"name\":\"db\",\"targets\":{\"groups\":[\"db\"]},\"selection\":{\"mode\":\"count\",\"value\":2}}");

        // Refused up front, with the reason, rather than a run that "completes" having done nothing.
        assertProblem(refused, 422, "tc/eu-west-1/db: NOT_OPTED_IN");
        assertThat(TestServer.json(server.get("/api/v1/experiments", operator)).get("items")).isEmpty();
        assertThat(TestCloudFactory.TERMINATED).hasSize(before);
    }

    @Test
    void anInvalidSpecIsA400ListingEveryOffendingField() {
        start(MacaqueConfig.Mode.UNLEASHED);

        HttpResponse<String> response = server.sendJson("POST", "/api/v1/experiments", operator,
                "{\"name\":\"x\",\"selection\":{\"mode\":\"count\",\"value\":-1},\"recovery\":{\"timeout\":\"soon\"},\"bogus\":1}");

        assertProblem(response, 400, "invalid experiment");
        JsonNode errors = TestServer.json(response).get("errors");
        assertThat(errors.findValuesAsText("field")).contains("selection.value", "recovery.timeout", "bogus");
    }

    @Test
    void overlongStringsAndArraysAreRefusedWithTheirPaths() {
        start(MacaqueConfig.Mode.UNLEASHED);

        HttpResponse<String> response = server.sendJson("POST", "/api/v1/experiments", operator,
                "{\"name\":\"" + "n".repeat(300) + "\",\"targets\":{\"groups\":[\"web\",\"" + "g".repeat(257) + "\"]},"
                        + "\"selection\":{\"mode\":\"count\",\"value\":1}}");

        assertProblem(response, 400, "exceeds limits");
        assertThat(TestServer.json(response).get("errors").findValuesAsText("field")).containsExactly("name", "targets.groups[1]");

        String deep = "{\"a\":".repeat(900) + "1" + "}".repeat(900);
        assertProblem(server.sendJson("POST", "/api/v1/experiments", operator, deep), 400, "nests deeper than 32 levels");
        String deeper = "[".repeat(5000) + "]".repeat(5000);
        assertThat(server.sendJson("POST", "/api/v1/experiments", operator, deeper).statusCode()).isEqualTo(400);
    }

    @Test
    void theSameIdempotencyKeyAndBodyReturnTheSameRunAndAnotherBodyIsAConflict() {
        start(MacaqueConfig.Mode.UNLEASHED);
        HttpRequest.Builder first = HttpRequest.newBuilder(server.uri("/api/v1/experiments"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .header("Idempotency-Key", "deploy-42").POST(HttpRequest.BodyPublishers.ofString(spec(",\"dryRun\":true")));
        String id = TestServer.json(server.send(first)).get("id").asText();

        // same body, other key order and spacing
        String reordered = "{ \"recovery\":{\"pollInterval\":\"100ms\",\"timeout\":\"30s\"}, \"dryRun\":true, \"name\":\"kill-web\","
                + "\"selection\":{\"value\":1,\"mode\":\"count\"},\"targets\":{\"groups\":[\"web\"],\"providers\":[\"tc\"]} }";
        HttpResponse<String> replay = server.send(HttpRequest.newBuilder(server.uri("/api/v1/experiments"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .header("Idempotency-Key", "deploy-42").POST(HttpRequest.BodyPublishers.ofString(reordered)));
        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(TestServer.json(replay).get("id").asText()).isEqualTo(id);

        HttpResponse<String> conflict = server.send(HttpRequest.newBuilder(server.uri("/api/v1/experiments"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .header("Idempotency-Key", "deploy-42").POST(HttpRequest.BodyPublishers.ofString(spec(",\"dryRun\":false"))));
        assertProblem(conflict, 409, "already used with a different request body");
        assertThat(TestServer.json(server.get("/api/v1/experiments?limit=50", operator)).get("items")).hasSize(1);
    }

    @Test
    void historyIsNewestFirstWithCursorPagingAndFilters() {
        start(MacaqueConfig.Mode.UNLEASHED);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(awaitState(post(spec(",\"dryRun\":true")).get("id").asText(), "COMPLETED").get("id").asText());
        }

        JsonNode page1 = TestServer.json(server.get("/api/v1/experiments?limit=2", operator));
        JsonNode page2 = TestServer.json(server.get("/api/v1/experiments?limit=2&cursor=" + page1.get("nextCursor").asText(), operator));

        List<String> listed = new ArrayList<>(page1.get("items").findValuesAsText("id"));
        listed.addAll(page2.get("items").findValuesAsText("id"));
        assertThat(listed).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(page2.get("nextCursor").isNull()).isTrue();
        assertThat(TestServer.json(server.get("/api/v1/experiments?state=FAILED", operator)).get("items")).isEmpty();
        assertThat(TestServer.json(server.get("/api/v1/experiments?state=COMPLETED&since=2000-01-01T00:00:00Z", operator)).get("items")).hasSize(3);
        assertProblem(server.get("/api/v1/experiments?state=DONE", operator), 400, "state must be one of");
        assertProblem(server.get("/api/v1/experiments?limit=1000", operator), 400, "limit must be");
        assertProblem(server.get("/api/v1/experiments/run_nope", operator), 404, "no experiment run with id 'run_nope'");
    }

    @Test
    void eventsAreCompleteAndOrderedWithTheIntentBeforeTheOutcome() {
        start(MacaqueConfig.Mode.UNLEASHED);
        String id = awaitState(post(spec("")).get("id").asText(), "COMPLETED").get("id").asText();

        JsonNode events = TestServer.json(server.get("/api/v1/experiments/" + id + "/events", operator)).get("items");

        List<String> types = events.findValuesAsText("type");
        assertThat(types.get(0)).isEqualTo("RUN_CREATED");
        assertThat(types).containsSubsequence("RUN_STARTED", "TERMINATION_INTENT", "TERMINATION_OUTCOME", "VERIFICATION_STARTED",
                "GROUP_RECOVERED", "RUN_COMPLETED");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).get("seq").asLong()).isEqualTo(i + 1);
        }
    }

    @Test
    void eventsStreamLiveAsServerSentEventsUntilTheRunEnds() throws Exception {
        start(MacaqueConfig.Mode.UNLEASHED);
        String id = post(spec("")).get("id").asText();

        HttpResponse<Stream<String>> stream = java.net.http.HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(server.uri("/api/v1/experiments/" + id + "/events"))
                        .header("Authorization", "Bearer " + operator).header("Accept", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofLines());

        assertThat(stream.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/event-stream");
        List<String> eventNames = stream.body().filter(l -> l.startsWith("event:")).map(l -> l.substring(6).trim()).toList();
        assertThat(eventNames).first().isEqualTo("RUN_CREATED");
        assertThat(eventNames).contains("TERMINATION_INTENT", "RUN_COMPLETED").last().isEqualTo("end");
    }

    @Test
    void abortStopsARunMidWayAndAnEndedRunCannotBeAborted() {
        start(MacaqueConfig.Mode.UNLEASHED);
        TestCloudFactory.GATES.put("tc", new Semaphore(0));
        String id = post("{\"name\":\"two\",\"targets\":{\"providers\":[\"tc\"]},\"selection\":{\"mode\":\"count\",\"value\":2}}")
                .get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                TestServer.json(server.get("/api/v1/experiments/" + id + "/events", operator)).toString().contains("TERMINATION_INTENT"));

        HttpResponse<String> aborted = server.sendJson("POST", "/api/v1/experiments/" + id + "/abort", operator, "{\"reason\":\"game over\"}");
        assertThat(aborted.statusCode()).as(aborted.body()).isEqualTo(202);
        TestCloudFactory.GATES.get("tc").release(10);

        JsonNode run = awaitState(id, "ABORTED");
        assertThat(run.get("terminations").size()).as("no kill after the abort").isEqualTo(1);
        assertProblem(server.sendJson("POST", "/api/v1/experiments/" + id + "/abort", operator, ""), 409, "already ended");
        assertProblem(server.sendJson("POST", "/api/v1/experiments/run_missing/abort", operator, ""), 404, "no experiment run");
        JsonNode audit = TestServer.json(server.get("/api/v1/audit", operator)).get("items");
        assertThat(audit.findValuesAsText("action")).contains("experiment.create", "experiment.abort", "instance.terminate");
    }

    @Test
    void anEngagedKillSwitchRefusesEveryTermination() {
        start(MacaqueConfig.Mode.UNLEASHED);
        server.sendJson("PUT", "/api/v1/killswitch", operator, "{\"engaged\":true}");
        int before = TestCloudFactory.TERMINATED.size();

        JsonNode run = awaitState(post(spec("")).get("id").asText(), "COMPLETED", "FAILED");

        assertThat(run.get("terminations")).isEmpty();
        assertThat(run.get("refusals").get(0).get("reason").asText()).isEqualTo("KILL_SWITCH");
        assertThat(TestCloudFactory.TERMINATED).hasSize(before);
    }

    @Test
    void viewersCannotStartOrAbortExperiments() {
        start(MacaqueConfig.Mode.UNLEASHED);
        String viewer = server.token("dash", "viewer");
        assertProblem(server.sendJson("POST", "/api/v1/experiments", viewer, spec("")), 403, "needs the operator role");
        assertProblem(server.sendJson("POST", "/api/v1/experiments/run_x/abort", viewer, ""), 403, "needs the operator role");
    }

    @Test
    void metricsCountRunsTerminationsAndRecoveryTimes() {
        start(MacaqueConfig.Mode.UNLEASHED);
        awaitState(post(spec("")).get("id").asText(), "COMPLETED");

        String metrics = server.get("/metrics", null).body();

        assertThat(metrics).contains("macaque_runs_finished_total{state=\"COMPLETED\"}")
                .contains("macaque_runs_verdicts_total{verdict=\"PASSED\"}")
                .contains("macaque_terminations_total{outcome=\"TERMINATED\",provider=\"tc\"}")
                .contains("macaque_recovery_seconds_count");
    }

    @Test
    void aRunInterruptedByAServerCrashIsClosedAtRestartWithoutRepeatingTheKill() throws Exception {
        Path db = home.resolve("crash-db");
        String url = "jdbc:h2:file:" + db;
        Path config = home.resolve("macaque.yaml");
        java.nio.file.Files.writeString(config, String.join("\n",
                "server: {host: 127.0.0.1, port: 0}", "mode: unleashed", "database: {url: \"" + url + "\"}",
                "providers:", "  tc: {type: testcloud, groups: \"eu-west-1:web:4:true\", holdTerminations: true}", ""));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.macaque.cli.Main", "serve", "--config", config.toString())
                .redirectError(home.resolve("child.err").toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String admin = out.readLine().substring("ADMIN TOKEN: ".length());
            int port = awaitPort(home.resolve("child.err"));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/experiments"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"crash\",\"selection\":{\"mode\":\"count\",\"value\":1}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String id = TestServer.json(created).get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> http.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/experiments/" + id + "/events"))
                    .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString()).body().contains("TERMINATION_INTENT"));

            child.destroyForcibly().waitFor(); // SIGKILL mid-call: the intent is committed, the outcome never is

            int before = TestCloudFactory.TERMINATED.size();
            server = TestServer.start(home, new MacaqueConfig.DatabaseConfig(url, null, null, null), MacaqueConfig.Mode.UNLEASHED,
                    Map.of("tc", CLOUD));
            HttpResponse<String> afterRestart = server.get("/api/v1/experiments/" + id, admin);
            assertThat(afterRestart.statusCode()).as(afterRestart.body()).isEqualTo(200);
            JsonNode run = TestServer.json(afterRestart);
            assertThat(run.get("state").asText()).isEqualTo("FAILED");
            assertThat(run.get("failureReason").asText()).contains("without repeating any termination").contains("unknown outcome")
                    .contains("tc/eu-west-1/web");
            // The crash lost no record: the victim and its termination are there, reconciled with the provider (the
            // held call never reached the cloud, so the instance is still in service).
            assertThat(run.get("victims").findValuesAsText("group")).containsExactly("tc/eu-west-1/web");
            assertThat(run.get("terminations")).singleElement().satisfies(t -> {
                assertThat(t.get("status").asText()).isEqualTo("NOT_TERMINATED");
                assertThat(t.get("detail").asText()).startsWith("reconciled:");
            });
            List<String> types = TestServer.json(server.get("/api/v1/experiments/" + id + "/events", admin)).get("items").findValuesAsText("type");
            assertThat(types).endsWith("TERMINATION_INTENT", "TERMINATION_RECONCILED", "RUN_FAILED");
            List<String> audit = TestServer.json(server.get("/api/v1/audit?limit=100", admin)).get("items").findValuesAsText("outcome");
            assertThat(audit).contains("intended", "not_terminated (reconciled)");
            Thread.sleep(300);
            assertThat(TestCloudFactory.TERMINATED).as("nothing is re-killed after the restart").hasSize(before);
        } finally {
            child.destroyForcibly();
        }
    }

    private static int awaitPort(Path log) {
        int[] port = new int[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String text = java.nio.file.Files.readString(log);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(text);
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return port[0];
    }

    @Test
    void groupsAreListedWithOptInWeightAndHealthFilteredAndPaged() {
        start(MacaqueConfig.Mode.UNLEASHED);

        JsonNode all = TestServer.json(server.get("/api/v1/groups", operator));
        assertThat(all.get("items").findValuesAsText("id")).containsExactly("tc/eu-west-1/db", "tc/eu-west-1/web", "tc/us-east-1/api");
        JsonNode web = all.get("items").get(1);
        assertThat(web.get("optedIn").asBoolean()).isTrue();
        assertThat(web.get("weight").asInt()).isEqualTo(1);
        assertThat(web.get("desiredCapacity").asInt()).isEqualTo(4);
        assertThat(web.get("healthyInService").asInt()).isEqualTo(4);

        assertThat(TestServer.json(server.get("/api/v1/groups?optedIn=false", operator)).get("items").findValuesAsText("name")).containsExactly("db");
        assertThat(TestServer.json(server.get("/api/v1/groups?region=us-east-1", operator)).get("items").findValuesAsText("name")).containsExactly("api");
        assertThat(TestServer.json(server.get("/api/v1/groups?tag=team:core", operator)).get("items").findValuesAsText("name")).containsExactly("db");
        JsonNode page1 = TestServer.json(server.get("/api/v1/groups?limit=2", operator));
        JsonNode page2 = TestServer.json(server.get("/api/v1/groups?limit=2&cursor=" + page1.get("nextCursor").asText(), operator));
        assertThat(page2.get("items").findValuesAsText("name")).containsExactly("api");
        assertProblem(server.get("/api/v1/groups?optedIn=maybe", operator), 400, "optedIn must be true or false");
        assertProblem(server.get("/api/v1/groups?tag=novalue", operator), 400, "key:value");
        assertProblem(server.get("/api/v1/groups?provider=nope", operator), 400, "no configured provider 'nope'");
    }
}
