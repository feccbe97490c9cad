package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.Burst;
import dev.macaque.testcloud.EndpointRequests;
import dev.macaque.testcloud.FleetViews;
import dev.macaque.testcloud.LoopbackTls;
import dev.macaque.testcloud.ManagedIdentityEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 27 and 28 on Azure, through the whole server: the Azure plugin from the distribution, configured as in
 * production (a Resource Manager endpoint over https, the SDK's default credential signing in as a managed identity),
 * talks to the loopback ARM stub, which counts each request by kind and time and can throttle one as ARM does. In the
 * server's package of the stub (it is package-private); the server's class path holds the stub only, never the SDK.
 */
class AzureThroughServerIT {
    /** The counted fleet: 100 scale sets of one instance, nine in ten opted in. */
    private static final String FLEET = "0b1f6471-1bf0-4dda-aec3-000000000100";
    /** The zone-outage fleet. */
    private static final String ZONES = "0b1f6471-1bf0-4dda-aec3-0000000000a2";
    /** The burst's fleet: 12 scale sets of three instances, small enough for a tight budget to serve in seconds. */
    private static final String BURST = "0b1f6471-1bf0-4dda-aec3-000000000020";
    /** A budget roomy enough that counting is not slowed by it: the counts do not depend on it. */
    private static final Map<String, Object> ROOMY = Map.of("callsPerSecond", 500, "burst", 100);
    private static final String REGION = "westeurope";
    private static final int GROUPS = 100;
    private static final String LISTING = "list scale sets";
    private static final String MEMBERS = "list members";

    private static ManagedIdentityEndpoint identity;
    private static ArmScaleSetStub arm;
    private static final EndpointRequests REQUESTS = new EndpointRequests(AzureThroughServerIT::kind);

    @TempDir
    static Path keys;

    @TempDir
    Path home;

    @BeforeAll
    static void start() throws Exception {
        identity = ManagedIdentityEndpoint.fromEnvironment();
        arm = new ArmScaleSetStub(Duration.ofMillis(300), LoopbackTls.serverTrustedByThisJvm(keys));
        arm.throttleWhen(REQUESTS::arrived);
        for (int i = 0; i < GROUPS; i++) {
            arm.scaleSet(FLEET, "rg-fleet", name(i), REGION, 1,
                    i % 10 == 9 ? Map.of("team", "batch") : Map.of("macaque-enabled", "true"), 0);
        }
        for (int i = 0; i < 12; i++) {
            arm.scaleSet(BURST, "rg-burst", name(i), REGION, 3, Map.of("macaque-enabled", "true"), 0);
        }
        arm.scaleSet(ZONES, "rg-web", "web", REGION, 6, Map.of("macaque-enabled", "true"), 0, "1", "2", "3")
                .scaleSet(ZONES, "rg-api", "api", REGION, 3, Map.of("macaque-enabled", "true"), 10, "1", "2", "3")
                .scaleSet(ZONES, "rg-solo", "solo", REGION, 2, Map.of("macaque-enabled", "true"), 20, "1")
                .scaleSet(ZONES, "rg-db", "db", REGION, 3, Map.of("team", "db"), 30, "1", "2", "3");
    }

    @AfterAll
    static void stop() {
        if (arm != null) {
            arm.close();
        }
        if (identity != null) {
            identity.close();
        }
    }

    @BeforeEach
    void forget() {
        REQUESTS.forget();
    }

    private static String name(int i) {
        return String.format("vmss-%03d", i);
    }

    /** What an ARM request is, by method and path. */
    static String kind(String request) {
        String method = request.substring(0, request.indexOf(' '));
        String path = request.substring(request.indexOf(' ') + 1);
        if (!method.equals("GET")) {
            return "mutation " + method;
        }
        if (path.contains("/operations/")) {
            return "operation poll";
        }
        if (path.toLowerCase(Locale.ROOT).endsWith("/providers/microsoft.authorization/permissions")) {
            return "permissions";
        }
        if (path.endsWith("/virtualMachineScaleSets")) {
            return LISTING;
        }
        if (path.endsWith("/virtualMachines")) {
            return MEMBERS;
        }
        return path.matches(".*/virtualMachineScaleSets/[^/]+") ? "get scale set"
                : path.matches(".*/virtualMachines/[^/]+") ? "get member" : request;
    }

    private TestServer server(String provider, String subscription, MacaqueConfig.Mode mode, Map<String, Object> extra,
                              UnaryOperator<MacaqueConfig> adjust) throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        if (!Files.exists(plugins.resolve("azure"))) {
            Files.createSymbolicLink(plugins.resolve("azure"), Path.of("target/macaque/plugins/azure").toAbsolutePath());
        }
        Map<String, Object> config = new HashMap<>(Map.of("type", "azure", "subscriptions", subscription,
                "managementEndpoint", arm.baseUrl(), "pollInterval", "100ms", "operationTimeout", "30s", "requestTimeout", "10s"));
        config.putAll(extra);
        return TestServer.startWith(home, TestDatabases.h2(home), mode, Map.of(provider, config), adjust);
    }

    private static UnaryOperator<MacaqueConfig> refreshEvery(String refresh) {
        return c -> c.withInventory(new MacaqueConfig.InventoryConfig(refresh));
    }

    /** Member listings asked for more than once, by path. */
    private static Map<String, Long> membersReadTwice(List<EndpointRequests.Request> requests) {
        return requests.stream().filter(r -> r.kind().equals(MEMBERS))
                .collect(Collectors.groupingBy(EndpointRequests.Request::detail, TreeMap::new, Collectors.counting()))
                .entrySet().stream().filter(e -> e.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    @Test
    void withinOneRefreshIntervalViewsListTheFleetOnceReadEachGroupAtMostOnceAndASecondRoundCostsNothing() throws Exception {
        try (TestServer server = server("azure-fleet", FLEET, MacaqueConfig.Mode.LEASHED, ROOMY, refreshEvery("10m"))) {
            FleetViews views = new FleetViews(server, "azure-fleet", REGION);
            List<String> sample = List.of("rg-fleet/" + name(0), "rg-fleet/" + name(77), "rg-fleet/" + name(99));

            List<JsonNode> listed = views.round(20, sample);
            Map<String, Integer> first = REQUESTS.counts();
            Map<String, Long> twice = membersReadTwice(REQUESTS.requests());
            REQUESTS.forget();
            views.round(20, sample);
            Map<String, Integer> second = REQUESTS.counts();

            System.out.printf("CLOUD-CALLS azure views groups=%d firstRound=%s secondRound=%s tokens=%d%n", GROUPS, first, second,
                    identity.tokens());
            assertThat(listed).hasSize(GROUPS).allSatisfy(g -> assertThat(g.get("healthyInService").asInt()).isEqualTo(1));
            assertThat(first).as("the fleet listed once (server start included), members read per group")
                    .containsOnlyKeys(LISTING, MEMBERS).containsEntry(LISTING, 1);
            assertThat(first.get(MEMBERS)).isLessThanOrEqualTo(GROUPS);
            assertThat(twice).as("no group's members read twice").isEmpty();
            assertThat(second).as("a second round within the refresh interval").isEmpty();
        }
    }

    @Test
    void aThrottledListingAndAThrottledMemberReadAreRetriedAndNeverReachAPage() throws Exception {
        String throttledMembers = "GET " + ArmJson.scaleSetPath(FLEET, "rg-fleet", name(7)) + "/virtualMachines";
        REQUESTS.failNext(request -> request.startsWith("GET ") && kind(request).equals(LISTING));
        REQUESTS.failNext(throttledMembers::equals);
        try (TestServer server = server("azure-fleet", FLEET, MacaqueConfig.Mode.LEASHED, ROOMY, refreshEvery("10m"))) {
            FleetViews views = new FleetViews(server, "azure-fleet", REGION);

            List<JsonNode> listed = views.allPages("/api/v1/groups?provider=azure-fleet&limit=1000");
            String fleet = views.page("/fleet");
            String group = views.groupPage("rg-fleet/" + name(7));

            System.out.printf("CLOUD-CALLS azure throttled-twice requests=%s%n", REQUESTS.counts());
            assertThat(REQUESTS.pendingFaults()).as("both throttling answers were sent").isZero();
            assertThat(REQUESTS.requests()).filteredOn(r -> r.detail().equals(throttledMembers)).as("throttled, then asked again")
                    .hasSize(2);
            assertThat(listed).hasSize(GROUPS).allSatisfy(g -> {
                assertThat(g.get("healthError").isNull()).as("%s", g).isTrue();
                assertThat(g.get("healthyInService").asInt()).as("%s", g).isEqualTo(1);
            });
            assertThat(fleet + group).doesNotContain("TooManyRequests", "throttled", "THROTTLED", "Read_30Min");
            assertThat(group).contains(name(7));
            assertThat(views.throttledTotal()).isGreaterThanOrEqualTo(2);
            assertThat(views.readiness()).as("throttled calls retried do not make the inventory stale").doesNotContain("STALE");
        }
    }

    // The budget is spent per HTTP request (SPI 1.4's call gate): with a permit per SPI call instead, one call being
    // several requests (a paged listing, a dry-run kill's reads), the busiest second at the endpoint went over the bound.
    @Test
    void theCallBudgetHoldsUnderABurstOfRunsAndPageViews() throws Exception {
        int callsPerSecond = 10;
        int burst = 5;
        try (TestServer server = server("azure-burst", BURST, MacaqueConfig.Mode.LEASHED,
                Map.of("callsPerSecond", callsPerSecond, "burst", burst), refreshEvery("1s"))) {
            FleetViews views = new FleetViews(server, "azure-burst", REGION);
            REQUESTS.forget();
            List<String> specs = IntStream.range(0, 6).mapToObj(r -> "{\"name\":\"burst-" + r + "\",\"seed\":" + r
                    + ",\"targets\":{\"providers\":[\"azure-burst\"]},\"selection\":{\"mode\":\"count\",\"value\":3}}").toList();
            List<Runnable> pageViews = IntStream.range(0, 6).<Runnable>mapToObj(i -> () -> {
                views.page(i % 3 == 0 ? "/" : "/fleet");
                views.allPages("/api/v1/groups?provider=azure-burst&limit=50");
                views.groupPage("rg-burst/" + name(i * 2));
            }).toList();

            List<JsonNode> runs = Burst.of(server, specs, pageViews);

            int bound = callsPerSecond + 2 * burst;
            System.out.printf("CLOUD-CALLS azure burst runs=%s requests=%d byKind=%s busiestSecond=%d bound=%d%n",
                    runs.stream().map(r -> r.get("terminations").findValuesAsText("status")).toList(), REQUESTS.total(),
                    REQUESTS.counts(), REQUESTS.busiestSecond(), bound);
            assertThat(runs).allSatisfy(r -> assertThat(r.get("terminations").findValuesAsText("status")).isNotEmpty()
                    .containsOnly("WOULD_TERMINATE"));
            assertThat(REQUESTS.total()).as("the burst asked for more than one second's budget").isGreaterThan(bound);
            assertThat(REQUESTS.busiestSecond()).as("requests in the busiest second at the endpoint").isLessThanOrEqualTo(bound);
        }
    }

    private static JsonNode awaitEnd(TestServer server, String id) {
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            run[0] = TestServer.json(server.get("/api/v1/experiments/" + id, server.adminToken));
            return Set.of("COMPLETED", "FAILED", "ABORTED", "HALTED", "NOT_STEADY").contains(run[0].get("state").asText());
        });
        return run[0];
    }

    /** Every instance of the zone fleet that is not being deleted, as {@code rg/name/id} to its zone, read at the stub. */
    private static Map<String, String> zoneFleet() {
        Map<String, String> all = new TreeMap<>();
        for (String[] set : List.of(new String[] {"rg-web", "web"}, new String[] {"rg-api", "api"},
                new String[] {"rg-solo", "solo"}, new String[] {"rg-db", "db"})) {
            arm.instances(ZONES, set[0], set[1]).forEach((id, zone) -> all.put(set[0] + "/" + set[1] + "/" + id, zone));
        }
        return all;
    }

    private static List<String> mutationsOfZoneFleet() {
        return arm.mutations().stream().filter(m -> m.contains("/subscriptions/" + ZONES + "/")).toList();
    }

    @Test
    void aZoneOutageDeletesExactlyTheOptedInInstancesInZoneOneAsPreviewedAndPredictedAndATooSmallBudgetDeletesNothing()
            throws Exception {
        Map<String, String> before = zoneFleet();
        // web's 0 and 3 and api's 10 are in zone 1; solo has both its instances there; db did not opt in
        List<String> expected = List.of("azure-zones/westeurope/rg-api/api/10", "azure-zones/westeurope/rg-web/web/0",
                "azure-zones/westeurope/rg-web/web/3");
        assertThat(before).containsEntry("rg-web/web/0", "1").containsEntry("rg-web/web/3", "1").containsEntry("rg-api/api/10", "1")
                .containsEntry("rg-solo/solo/20", "1").containsEntry("rg-solo/solo/21", "1").containsEntry("rg-db/db/30", "1");
        String spec = "{\"name\":\"lose-zone-1\",\"seed\":5,\"targets\":{\"providers\":[\"azure-zones\"]},"
                + "\"selection\":{\"mode\":\"zone\",\"zone\":\"1\"},\"guardrails\":{\"minHealthyPercent\":30},"
                + "\"recovery\":{\"timeout\":\"1m\",\"pollInterval\":\"500ms\"}";

        // a budget of one kill an hour: the outage needs three, so it is refused whole
        try (TestServer small = server("azure-zones", ZONES, MacaqueConfig.Mode.UNLEASHED, Map.of(),
                c -> c.withSafety(new MacaqueConfig.SafetyConfig(1, 50, 3)))) {
            JsonNode run = awaitEnd(small, TestServer.json(small.sendJson("POST", "/api/v1/experiments", small.adminToken,
                    spec + "}")).get("id").asText());
            assertThat(run.get("terminations")).isEmpty();
            assertThat(run.get("refusals").findValuesAsText("reason")).contains("FLEET_BUDGET", "LAST_HEALTHY_INSTANCE")
                    .containsOnly("FLEET_BUDGET", "LAST_HEALTHY_INSTANCE");
            assertThat(run.get("refusals").findValuesAsText("message")).anySatisfy(m -> assertThat(m)
                    .contains("needs " + expected.size() + " terminations").contains("safety.maxTerminationsPerHour=1"));
            assertThat(mutationsOfZoneFleet()).as("nothing sent to Azure that changes anything").isEmpty();
            assertThat(zoneFleet()).as("nothing deleted").isEqualTo(before);
        }

        try (TestServer unleashed = server("azure-zones", ZONES, MacaqueConfig.Mode.UNLEASHED, Map.of(), UnaryOperator.identity())) {
            String token = unleashed.adminToken;
            JsonNode preview = TestServer.json(unleashed.sendJson("POST", "/api/v1/experiments/preview", token,
                    spec + ",\"predict\":true}"));
            JsonNode run = awaitEnd(unleashed, TestServer.json(unleashed.sendJson("POST", "/api/v1/experiments", token,
                    spec + "}")).get("id").asText());

            assertThat(run.get("state").asText()).as("%s", run).isEqualTo("COMPLETED");
            List<String> killed = new ArrayList<>();
            run.get("terminations").forEach(t -> {
                assertThat(t.get("status").asText()).isEqualTo("TERMINATED");
                killed.add(t.get("group").asText() + "/" + t.get("instanceId").asText());
            });
            assertThat(killed).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(run.get("refusals").findValuesAsText("group")).containsOnly("azure-zones/westeurope/rg-solo/solo");
            assertThat(run.get("refusals").findValuesAsText("reason")).containsOnly("LAST_HEALTHY_INSTANCE");
            assertThat(run.get("victims")).isEqualTo(preview.get("victims"));
            assertThat(run.get("victims")).isEqualTo(preview.at("/prediction/victims"));
            assertThat(run.get("recoveries").findValuesAsText("status")).containsOnly("RECOVERED");
            assertThat(run.get("recoveries").findValuesAsText("group")).containsExactlyInAnyOrder(
                    "azure-zones/westeurope/rg-api/api", "azure-zones/westeurope/rg-web/web");

            Map<String, String> after = zoneFleet();
            Map<String, String> untouched = new LinkedHashMap<>(before);
            untouched.keySet().removeIf(k -> expected.contains("azure-zones/westeurope/" + k));
            assertThat(after).as("every other instance is still there").containsAllEntriesOf(untouched);
            assertThat(after.keySet()).as("the victims are gone").noneMatch(k -> expected.contains("azure-zones/westeurope/" + k));
            assertThat(mutationsOfZoneFleet()).as("only web and api are changed").allMatch(m -> m.contains("/resourceGroups/rg-web/")
                    || m.contains("/resourceGroups/rg-api/") || m.contains("/operations/"));
            assertThat(arm.capacity(ZONES, "rg-web", "web")).isEqualTo(6);
            assertThat(arm.capacity(ZONES, "rg-api", "api")).isEqualTo(3);
            assertThat(arm.capacity(ZONES, "rg-solo", "solo")).isEqualTo(2);
            assertThat(arm.capacity(ZONES, "rg-db", "db")).isEqualTo(3);
        }
    }
}
