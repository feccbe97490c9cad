package dev.macaque.chaosmonkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.experiments.RunStore;
import dev.macaque.engine.RunEvent;
import dev.macaque.experiments.StoredRun;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.KillScheduleParser;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two and three servers on one PostgreSQL database, in one JVM. */
class SeveralNodesTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final List<GroupRef> GROUPS = List.of(new GroupRef("tc", "eu-west-1", "web"), new GroupRef("tc", "us-east-1", "api"));
    private static final Map<String, Object> CLOUD = Map.of("type", "testcloud",
            "groups", "eu-west-1:web:6:true,eu-west-1:db:3:false,us-east-1:api:6:true", "healAfterMillis", "20");
    private static final MacaqueConfig.OutageCheckConfig NO_OUTAGE_CHECK = new MacaqueConfig.OutageCheckConfig(null, "1s", false);

    @TempDir
    Path home;
    private final List<Node> nodes = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(3);
    private MacaqueConfig.DatabaseConfig database;

    @BeforeEach
    void fresh() {
        TestCloudFactory.TERMINATED.clear();
        database = TestDatabases.postgres();
    }

    @AfterEach
    void stop() {
        TestCloudFactory.GATES.values().forEach(g -> g.release(1000));
        TestCloudFactory.GATES.clear();
        threads.shutdownNow();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private Node start(String id, String lease, Map<String, Object> cloud, List<Map<String, Object>> schedules) {
        // These tests are about exactly-once decisions and takeover, run in accelerated time: no fleet budget in the way.
        Node node = Node.start(home.resolve(id), Node.config(database, Map.of("tc", cloud), schedules, id, lease, NO_OUTAGE_CHECK, null)
                .withSafety(new MacaqueConfig.SafetyConfig(100_000, 100_000, 1_000)));
        nodes.add(node);
        return node;
    }

    private String admin() {
        return nodes.get(0).adminToken;
    }

    private static String experiment(String group, String extra) {
        return "{\"name\":\"kill-" + group + "\",\"targets\":{\"providers\":[\"tc\"],\"groups\":[\"" + group + "\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":1},\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"100ms\"}" + extra + "}";
    }

    private JsonNode awaitEnd(Node node, String runId) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = Node.json(node.send("GET", "/api/v1/experiments/" + runId, admin(), null));
            return List.of("COMPLETED", "FAILED", "ABORTED").contains(last[0].get("state").asText());
        });
        return last[0];
    }

    @Test
    void threeNodesExecuteEveryScheduledDecisionExactlyOnceOverWeeksOfAcceleratedTimeAcrossADstChange() throws Exception {
        Map<String, Object> schedule = Map.of("name", "cycles", "meanTimeBetweenKills", "1d",
                "experiment", Map.of("targets", Map.of("providers", List.of("tc")), "seed", 5,
                        "guardrails", Map.of("minHealthyPercent", 0),
                        "recovery", Map.of("timeout", "20s", "pollInterval", "50ms")),
                "window", Map.of("from", "09:00", "to", "17:00", "zone", "Europe/Paris", "holidays", List.of("2027-03-19")));
        for (String id : List.of("n1", "n2", "n3")) {
            start(id, "30s", CLOUD, List.of(schedule));
        }
        // Every node seeded the same file: one schedule, with one seed.
        List<StoredSchedule> stored = nodes.get(2).get(ScheduleStore.class).list();
        assertThat(stored).singleElement().satisfies(s -> assertThat(s.source()).isEqualTo("config"));

        // Three weeks around the change to summer time (2027-03-28), each node ticking every virtual hour of the day.
        LocalDate first = LocalDate.of(2027, 3, 15);
        LocalDate last = LocalDate.of(2027, 4, 2);
        java.util.TreeSet<Instant> ticks = new java.util.TreeSet<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (int hour = 6; hour <= 17; hour++) {
                Instant now = day.atTime(hour, 0).atZone(java.time.ZoneOffset.UTC).toInstant();
                ticks.add(now);
                List<Callable<List<Decision>>> round = new ArrayList<>();
                for (Node node : nodes) {
                    round.add(() -> node.tick(now));
                }
                for (Future<List<Decision>> done : threads.invokeAll(round)) {
                    done.get();
                }
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> nodes.get(0).get(RunStore.class).unfinished().isEmpty());

        // What the shared calendar plans, day by day, from the runner's look-back before the first tick.
        KillSchedule parsed = new KillScheduleParser().parse(Node.JSON.valueToTree(schedule));
        ScheduleCalendar calendar = new ScheduleCalendar(parsed, stored.get(0).seed());
        Set<String> expected = new HashSet<>();
        for (LocalDate day = first.minusDays(ScheduleRunner.LOOKBACK_DAYS); !day.isAfter(last); day = day.plusDays(1)) {
            for (GroupRef group : GROUPS) {
                LocalDate d = day;
                calendar.killOn(group, day).ifPresent(k -> expected.add(group + "|" + d));
            }
        }
        assertThat(expected).hasSizeGreaterThan(20).noneMatch(k -> k.endsWith("2027-03-19"));

        List<Decision> decisions = nodes.get(0).get(ScheduleStore.class).decisions(null, 10_000);
        assertThat(decisions).extracting(d -> d.groupKey() + "|" + d.day()).containsExactlyInAnyOrderElementsOf(expected);
        RunStore runs = nodes.get(0).get(RunStore.class);
        Set<String> runIds = new HashSet<>();
        for (Decision d : decisions) {
            Instant tickAfterPlan = ticks.ceiling(d.plannedAt());
            if (tickAfterPlan.isBefore(d.windowEnd())) {
                assertThat(d.state()).as(d.toString()).isEqualTo(DecisionState.STARTED);
                StoredRun run = runs.find(d.runId()).orElseThrow();
                assertThat(run.state()).isEqualTo("COMPLETED");
                assertThat(runIds.add(run.id())).isTrue();
            } else {
                assertThat(d.state()).as(d.toString()).isEqualTo(DecisionState.SKIPPED_MISSED_WINDOW);
                assertThat(runs.find(d.runId())).isEmpty();
            }
        }
        // one run per started decision, no other run, and at most one termination each. In accelerated time a group can
        // still be recovering from the previous day's run when the next starts: schedules never share a group, so such a
        // run kills nothing and says why (GROUP_BUSY).
        assertThat(runs.list(null, null, null, null, 10_000)).extracting(StoredRun::id).containsExactlyInAnyOrderElementsOf(runIds);
        int withoutKill = 0;
        for (String runId : runIds) {
            List<RunEvent> events = runs.events(runId, 0);
            long intents = events.stream().filter(e -> e.type().name().equals("TERMINATION_INTENT")).count();
            assertThat(intents).as(runId).isLessThanOrEqualTo(1);
            if (intents == 0) {
                withoutKill++;
                assertThat(events).as(runId + " says why it killed nothing").anySatisfy(e -> assertThat(e.fields().toString())
                        .contains("GROUP_BUSY"));
            }
        }
        assertThat(TestCloudFactory.TERMINATED.size()).isEqualTo(runIds.size() - withoutKill);
        assertThat(decisions).filteredOn(d -> d.state() == DecisionState.STARTED).hasSizeGreaterThan(20);
    }

    @Test
    void aNodeThatStopsRenewingItsLeaseMidRunHasTheRunClosedByAnotherNodeWithoutRepeatingTheKill() {
        Map<String, Object> holding = new HashMap<>(CLOUD);
        holding.put("holdTerminations", "true");
        Node a = start("a", "1s", holding, List.of());
        Node b = start("b", "1s", Map.of("type", "testcloud", "groups", "eu-west-1:web:6:true", "healAfterMillis", "20"), List.of());
        TestCloudFactory.GATES.remove("tc");   // node b's cloud must never block; node a's call is held below
        TestCloudFactory.GATES.put("tc", new java.util.concurrent.Semaphore(0));

        HttpResponse<String> created = a.send("POST", "/api/v1/experiments", admin(), experiment("web", ""));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String runId = Node.json(created).get("id").asText();
        RunStore store = b.get(RunStore.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.events(runId, 0).stream().anyMatch(e -> e.type().name().equals("TERMINATION_INTENT")));

        // Node a is stuck in the provider call and renews nothing; once its lease has expired, node b takes over.
        b.poll();
        assertThat(store.find(runId).orElseThrow().state()).as("lease not expired yet").isEqualTo("RUNNING");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            b.poll();
            return store.find(runId).orElseThrow().state().equals("FAILED");
        });
        List<RunEvent> events = store.events(runId, 0);
        assertThat(events.get(events.size() - 1).type().name()).isEqualTo("RUN_FAILED");
        assertThat(events.get(events.size() - 1).fields().get("reason")).contains("by node b after its lease expired")
                .contains("without repeating any termination").contains("unknown outcome");
        assertThat(store.openIntents(runId)).isEmpty();

        // Node a learns it lost the run and stops; its late provider answer changes nothing on record.
        a.poll();
        TestCloudFactory.GATES.get("tc").release(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> !a.get(dev.macaque.experiments.ExperimentService.class).isLive(runId));
        assertThat(store.find(runId).orElseThrow().state()).isEqualTo("FAILED");
        assertThat(TestCloudFactory.TERMINATED).hasSizeLessThanOrEqualTo(1);
        assertThat(events.stream().filter(e -> e.type().name().equals("TERMINATION_INTENT")).count()).isEqualTo(1);
    }

    @Test
    void anAbortAskedOfAnotherNodeStopsTheRunOnTheNodeThatDrivesIt() {
        Node a = start("a", "30s", CLOUD, List.of());
        Node b = start("b", "30s", CLOUD, List.of());
        TestCloudFactory.GATES.put("tc", new java.util.concurrent.Semaphore(0));
        String runId = Node.json(a.send("POST", "/api/v1/experiments", admin(),
                "{\"name\":\"two\",\"targets\":{\"providers\":[\"tc\"],\"groups\":[\"web\"]},\"selection\":{\"mode\":\"count\",\"value\":2}}"))
                .get("id").asText();
        RunStore store = b.get(RunStore.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.events(runId, 0).stream().anyMatch(e -> e.type().name().equals("TERMINATION_INTENT")));

        HttpResponse<String> asked = b.send("POST", "/api/v1/experiments/" + runId + "/abort", admin(), "{\"reason\":\"asked on b\"}");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
        a.poll();
        TestCloudFactory.GATES.get("tc").release(10);

        JsonNode run = awaitEnd(b, runId);
        assertThat(run.get("state").asText()).isEqualTo("ABORTED");
        assertThat(run.get("failureReason").asText()).isEqualTo("asked on b");
        assertThat(run.get("terminations").size()).as("no kill after the abort").isEqualTo(1);
        assertThat(b.send("POST", "/api/v1/experiments/" + runId + "/abort", admin(), "").statusCode()).isEqualTo(409);
    }

    @Test
    void aDecisionClaimedByANodeThatDiedIsTakenOverAndARunAlreadyStartedForItIsNotStartedAgain() {
        Map<String, Object> schedule = Map.of("name", "takeover", "meanTimeBetweenKills", "1d",
                "experiment", Map.of("targets", Map.of("providers", List.of("tc")), "seed", 9,
                        "recovery", Map.of("timeout", "20s", "pollInterval", "50ms")),
                "window", Map.of("weekdays", List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"), "from", "00:00", "to", "23:59"));
        Node b = start("b", "30s", CLOUD, List.of(schedule));
        StoredSchedule row = b.get(ScheduleStore.class).list().get(0);
        Instant now = Instant.now().plus(Duration.ofDays(2));
        LocalDate day = now.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        Instant windowEnd = day.atTime(23, 59).atZone(java.time.ZoneOffset.UTC).toInstant();
        ScheduleStore decisions = b.get(ScheduleStore.class);
        // A dead node claimed web's decision but never created its run; it had started api's run already.
        decisions.insert(new Decision(row.id(), GROUPS.get(0).toString(), day, now.minusSeconds(120), windowEnd, DecisionState.CLAIMED,
                "run_deadweb", "dead", now.minusSeconds(60), 0, null, now.minusSeconds(120)));
        decisions.insert(new Decision(row.id(), GROUPS.get(1).toString(), day, now.minusSeconds(120), windowEnd, DecisionState.CLAIMED,
                "run_deadapi", "dead", now.minusSeconds(60), 0, null, now.minusSeconds(120)));
        b.get(RunStore.class).create("run_deadapi", "started by the dead node", 1, false, "schedule:takeover", now.minusSeconds(100),
                "{}", null, null);

        List<Decision> handled = b.tick(now.isAfter(windowEnd) ? windowEnd.minusSeconds(1) : now);
        assertThat(handled).filteredOn(d -> d.day().equals(day)).extracting(Decision::groupKey, Decision::state, Decision::ownerNode)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(GROUPS.get(0).toString(), DecisionState.STARTED, "b"),
                        org.assertj.core.groups.Tuple.tuple(GROUPS.get(1).toString(), DecisionState.STARTED, "b"));
        await().atMost(Duration.ofSeconds(20)).until(() -> b.get(RunStore.class).find("run_deadweb").map(r -> r.state().equals("COMPLETED")).orElse(false));
        assertThat(TestCloudFactory.TERMINATED).singleElement().satisfies(t -> assertThat(t).startsWith(GROUPS.get(0) + "/"));
    }

    @Test
    void engagingTheKillSwitchOnOneNodeStopsTerminationsOnTheOthers() {
        Node one = start("one", "30s", CLOUD, List.of());
        start("two", "30s", CLOUD, List.of());
        Node three = start("three", "30s", CLOUD, List.of());
        HttpResponse<String> engaged = one.send("PUT", "/api/v1/killswitch", admin(), "{\"engaged\":true,\"reason\":\"incident\"}");
        assertThat(engaged.statusCode()).isEqualTo(200);

        HttpResponse<String> created = three.send("POST", "/api/v1/experiments", admin(), experiment("web", ""));
        JsonNode run = awaitEnd(three, Node.json(created).get("id").asText());
        assertThat(run.get("refusals")).singleElement().satisfies(r -> assertThat(r.get("reason").asText()).isEqualTo("KILL_SWITCH"));
        assertThat(TestCloudFactory.TERMINATED).isEmpty();
        assertThat(Node.json(nodes.get(1).send("GET", "/api/v1/killswitch", admin(), null)).get("engaged").asBoolean()).isTrue();
    }

    @Test
    void minTimeBetweenKillsHoldsWhenThreeNodesRaceToKillTheSameGroup() throws Exception {
        for (String id : List.of("r1", "r2", "r3")) {
            start(id, "30s", CLOUD, List.of());
        }
        for (String group : List.of("web", "api")) {
            List<Callable<String>> race = new ArrayList<>();
            for (Node node : nodes) {
                race.add(() -> Node.json(node.send("POST", "/api/v1/experiments", admin(),
                        // shared: this race is about the minTimeBetweenKills claim, not the one-run-per-group rule
                        experiment(group, ",\"guardrails\":{\"minTimeBetweenKills\":\"1h\",\"minHealthyPercent\":0},"
                                + "\"concurrency\":\"shared\""))).get("id").asText());
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : threads.invokeAll(race)) {
                ids.add(f.get());
            }
            int killed = 0;
            int refused = 0;
            for (int i = 0; i < ids.size(); i++) {
                JsonNode run = awaitEnd(nodes.get(i), ids.get(i));
                killed += run.get("terminations").size();
                for (JsonNode r : run.get("refusals")) {
                    assertThat(r.get("reason").asText()).isEqualTo("MIN_TIME_BETWEEN_KILLS");
                    refused++;
                }
            }
            assertThat(killed).as(group).isEqualTo(1);
            assertThat(refused).as(group).isEqualTo(2);
        }
        assertThat(TestCloudFactory.TERMINATED).hasSize(2);
    }

    @Test
    void aServerProcessKilledWithSigkillMidRunHasItsRunClosedByAnotherNodeOnceItsLeaseExpires() throws Exception {
        Path config = home.resolve("child.yaml");
        java.nio.file.Files.createDirectories(home);
        java.nio.file.Files.writeString(config, String.join("\n",
                "server: {host: 127.0.0.1, port: 0}", "mode: unleashed",
                "database: {url: \"" + database.url() + "\", user: " + database.user() + "}",
                "cluster: {nodeId: child, leaseDuration: 2s, pollInterval: 500ms}",
                "providers:", "  tc: {type: testcloud, groups: \"eu-west-1:web:4:true\", holdTerminations: true}", ""));
        Path err = home.resolve("child.err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.macaque.cli.Main", "serve", "--config", config.toString())
                .redirectError(err.toFile()).start();
        try {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            String admin = out.readLine().substring("ADMIN TOKEN: ".length());
            int[] port = new int[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)")
                        .matcher(java.nio.file.Files.readString(err));
                return m.find() && (port[0] = Integer.parseInt(m.group(1))) > 0;
            });
            Node b = start("b", "30s", Map.of("type", "testcloud", "groups", "eu-west-1:web:4:true", "healAfterMillis", "20"), List.of());
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            HttpResponse<String> created = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port[0] + "/api/v1/experiments"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(experiment("web", ""))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String runId = Node.json(created).get("id").asText();
            RunStore store = b.get(RunStore.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> store.events(runId, 0).stream().anyMatch(e -> e.type().name().equals("TERMINATION_INTENT")));

            // While the child lives, it renews its 2-second lease: node b leaves the run alone.
            Thread.sleep(3000);
            b.poll();
            assertThat(store.find(runId).orElseThrow().state()).isEqualTo("RUNNING");

            child.destroyForcibly().waitFor(); // SIGKILL mid provider call: the intent is committed, its outcome never is
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
                b.poll();
                return store.find(runId).orElseThrow().state().equals("FAILED");
            });
            List<RunEvent> events = store.events(runId, 0);
            assertThat(events.get(events.size() - 1).fields().get("reason")).contains("by node b after its lease expired")
                    .contains("unknown outcome").contains("tc/eu-west-1/web");
            assertThat(events.stream().filter(e -> e.type().name().equals("TERMINATION_INTENT")).count()).isEqualTo(1);
            Thread.sleep(300);
            assertThat(TestCloudFactory.TERMINATED).as("node b repeats no termination").isEmpty();
        } finally {
            child.destroyForcibly();
        }
    }
}
