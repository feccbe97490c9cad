package dev.macaque;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.AwsQueryProxy;
import dev.macaque.testcloud.Burst;
import dev.macaque.testcloud.EndpointRequests;
import dev.macaque.testcloud.FleetViews;
import dev.macaque.testcloud.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27 on AWS, counted where the calls land: the AWS plugin from the distribution, loaded by the server, talks to
 * moto_server through a proxy that records each request's action and time and can answer one as AWS throttles. The
 * listing carries every member with its health, so reading the fleet costs the listing's pages and nothing per group.
 */
class AwsInventoryThroughServerIT {
    private static final String PROVIDER = "aws-moto";
    private static final String LISTING = "DescribeAutoScalingGroups";
    private static final int GROUPS = 120;
    /** The provider asks for 100 groups a page. */
    private static final int LISTING_PAGES = (GROUPS + 99) / 100;
    private static MotoServer moto;
    private static AwsQueryProxy proxy;

    @TempDir
    Path home;

    @BeforeAll
    static void fleet() throws Exception {
        moto = MotoServer.start();
        proxy = new AwsQueryProxy(moto.endpoint());
        Matcher image = Pattern.compile("<imageId>([^<]+)</imageId>")
                .matcher(moto.query("ec2", Map.of("Action", "DescribeImages", "Version", "2016-11-15", "Owner.1", "amazon")));
        assertThat(image.find()).isTrue();
        moto.query("ec2", Map.of("Action", "CreateLaunchTemplate", "Version", "2016-11-15", "LaunchTemplateName", "lt-fleet",
                "LaunchTemplateData.ImageId", image.group(1), "LaunchTemplateData.InstanceType", "t3.micro"));
        for (int i = 0; i < GROUPS; i++) {
            Map<String, String> asg = new HashMap<>(Map.of("Action", "CreateAutoScalingGroup", "Version", "2011-01-01",
                    "AutoScalingGroupName", name(i), "LaunchTemplate.LaunchTemplateName", "lt-fleet", "MinSize", "0",
                    "MaxSize", "4", "DesiredCapacity", Integer.toString(members(i)), "AvailabilityZones.member.1", "us-east-1a"));
            asg.putAll(Map.of("Tags.member.1.Key", "macaque-enabled", "Tags.member.1.Value", Boolean.toString(i % 10 != 9),
                    "Tags.member.1.ResourceId", name(i), "Tags.member.1.ResourceType", "auto-scaling-group",
                    "Tags.member.1.PropagateAtLaunch", "false"));
            moto.query("autoscaling", asg);
        }
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void clean() {
        proxy.requests().forget();
    }

    /** The first ten groups have three members (runs can kill in them), the others one. */
    private static int members(int i) {
        return i < 10 ? 3 : 1;
    }

    private static String name(int i) {
        return String.format("svc-%03d", i);
    }

    private TestServer server(Map<String, Object> extra, UnaryOperator<MacaqueConfig> adjust) throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        if (!Files.exists(plugins.resolve("aws"))) {
            Files.createSymbolicLink(plugins.resolve("aws"), Path.of("target/macaque/plugins/aws").toAbsolutePath());
        }
        // one attempt per SDK call: throttling is retried by the server's one retry layer, where it is counted
        Map<String, Object> provider = new HashMap<>(Map.of("type", "aws", "regions", List.of("us-east-1"),
                "endpoint", proxy.endpoint().toString(), "maxAttempts", "1"));
        provider.putAll(extra);
        return TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED, Map.of(PROVIDER, provider), adjust);
    }

    private static UnaryOperator<MacaqueConfig> refreshEvery(String refresh) {
        return c -> c.withInventory(new MacaqueConfig.InventoryConfig(refresh));
    }

    @Test
    void withinOneRefreshIntervalAnyNumberOfViewsListTheFleetOnceAndASecondRoundCostsNothing() throws Exception {
        try (TestServer server = server(Map.of(), refreshEvery("10m"))) {
            FleetViews views = new FleetViews(server, PROVIDER, "us-east-1");
            List<String> sample = List.of(name(0), name(57), name(119));

            List<JsonNode> listed = views.round(20, sample);
            Map<String, Integer> first = proxy.requests().counts();
            proxy.requests().forget();
            views.round(20, sample);
            Map<String, Integer> second = proxy.requests().counts();

            System.out.printf("CLOUD-CALLS aws views groups=%d listingPages=%d firstRound=%s secondRound=%s%n", GROUPS,
                    LISTING_PAGES, first, second);
            assertThat(listed).hasSize(GROUPS).allSatisfy(g -> assertThat(g.get("healthyInService").asInt())
                    .isEqualTo(members(Integer.parseInt(g.get("name").asText().substring(4)))));
            assertThat(first).as("the listing's pages once (server start included), no read per group")
                    .containsOnlyKeys(LISTING);
            assertThat(first.get(LISTING)).isBetween(1, LISTING_PAGES);
            assertThat(second).as("a second round within the refresh interval").isEmpty();
        }
    }

    @Test
    void aThrottledListingIsRetriedAndNeverReachesAPage() throws Exception {
        proxy.requests().failNext(LISTING::equals);
        try (TestServer server = server(Map.of(), refreshEvery("10m"))) {
            FleetViews views = new FleetViews(server, PROVIDER, "us-east-1");

            List<JsonNode> listed = views.allPages("/api/v1/groups?provider=" + PROVIDER + "&limit=1000");
            String fleet = views.page("/fleet");
            String group = views.groupPage(name(3));

            System.out.printf("CLOUD-CALLS aws throttled-once requests=%s%n", proxy.requests().counts());
            assertThat(proxy.requests().pendingFaults()).as("the throttling answer was sent").isZero();
            assertThat(proxy.requests().counts().get(LISTING)).as("the throttled page asked again")
                    .isBetween(2, LISTING_PAGES + 1);
            assertThat(listed).hasSize(GROUPS).allSatisfy(g -> {
                assertThat(g.get("healthError").isNull()).as("%s", g).isTrue();
                assertThat(g.get("healthyInService").asInt()).isEqualTo(members(Integer.parseInt(g.get("name").asText().substring(4))));
            });
            assertThat(fleet + group).doesNotContain("Throttling", "Rate exceeded", "THROTTLED", "throttled");
            assertThat(fleet).contains(name(3), name(99));
            assertThat(views.throttledTotal()).isGreaterThanOrEqualTo(1);
            assertThat(views.readiness()).as("one throttled call does not make the inventory stale").doesNotContain("STALE");
        }
    }

    // The budget is spent per HTTP request (SPI 1.4's call gate): with a permit per SPI call instead, one call being
    // several requests (a paged listing, a dry-run kill's reads), the busiest second at the endpoint went over the bound.
    @Test
    void theCallBudgetHoldsUnderABurstOfRunsAndPageViews() throws Exception {
        int callsPerSecond = 5;
        int burst = 5;
        try (TestServer server = server(Map.of("callsPerSecond", callsPerSecond, "burst", burst), refreshEvery("1s"))) {
            FleetViews views = new FleetViews(server, PROVIDER, "us-east-1");
            proxy.requests().forget();
            String threeMemberGroups = IntStream.range(0, 10).mapToObj(i -> "\"" + name(i) + "\"")
                    .collect(Collectors.joining(",", "[", "]"));
            List<String> specs = IntStream.range(0, 6).mapToObj(r -> "{\"name\":\"burst-" + r + "\",\"seed\":" + r
                    + ",\"targets\":{\"providers\":[\"" + PROVIDER + "\"],\"groups\":" + threeMemberGroups + "},"
                    + "\"selection\":{\"mode\":\"count\",\"value\":3}}").toList();
            List<Runnable> pageViews = IntStream.range(0, 12).<Runnable>mapToObj(i -> () -> {
                views.page(i % 3 == 0 ? "/" : "/fleet");
                views.allPages("/api/v1/groups?provider=" + PROVIDER + "&limit=50");
                sleep(Duration.ofMillis(700));
                views.groupPage(name(i));
            }).toList();

            List<JsonNode> runs = Burst.of(server, specs, pageViews);

            EndpointRequests seen = proxy.requests();
            int bound = callsPerSecond + 2 * burst;
            System.out.printf("CLOUD-CALLS aws burst runs=%s requests=%d byKind=%s busiestSecond=%d bound=%d%n",
                    runs.stream().map(r -> r.get("terminations").findValuesAsText("status")).toList(), seen.total(), seen.counts(),
                    seen.busiestSecond(), bound);
            assertThat(runs).allSatisfy(r -> assertThat(r.get("terminations").findValuesAsText("status")).isNotEmpty()
                    .containsOnly("WOULD_TERMINATE"));
            assertThat(seen.total()).as("the burst asked for more than one second's budget").isGreaterThan(bound);
            assertThat(seen.busiestSecond()).as("requests in the busiest second at the endpoint").isLessThanOrEqualTo(bound);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
