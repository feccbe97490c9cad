package dev.macaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.MotoServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Experiments through the whole server against moto_server: the AWS provider is loaded from the distribution's
 * plugins/aws folder by the plugin loader, as in production. Leashed, a run is a dry run that AWS validates and
 * nothing dies; unleashed, one instance is terminated and the Auto Scaling group's recovery is verified.
 */
class AwsThroughServerIT {
    private static MotoServer moto;
    private static URI endpoint;

    @TempDir
    Path home;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoServer.start();
        endpoint = moto.endpoint();
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    private static String query(String service, Map<String, String> params) throws Exception {
        return moto.query(service, params);
    }

    private static void createGroup(String name, boolean optedIn) throws Exception {
        createGroup(name, optedIn, 3, "us-east-1a");
    }

    private static void createGroup(String name, boolean optedIn, int desired, String... zones) throws Exception {
        Matcher image = Pattern.compile("<imageId>([^<]+)</imageId>")
                .matcher(query("ec2", Map.of("Action", "DescribeImages", "Version", "2016-11-15", "Owner.1", "amazon")));
        assertThat(image.find()).isTrue();
        query("ec2", Map.of("Action", "CreateLaunchTemplate", "Version", "2016-11-15", "LaunchTemplateName", "lt-" + name,
                "LaunchTemplateData.ImageId", image.group(1), "LaunchTemplateData.InstanceType", "t3.micro"));
        Map<String, String> asg = new LinkedHashMap<>(Map.of("Action", "CreateAutoScalingGroup", "Version", "2011-01-01",
                "AutoScalingGroupName", name, "LaunchTemplate.LaunchTemplateName", "lt-" + name, "MinSize", "0", "MaxSize", "10",
                "DesiredCapacity", Integer.toString(share(desired, zones.length, 0)), "AvailabilityZones.member.1", zones[0]));
        asg.putAll(Map.of("Tags.member.1.Key", "macaque-enabled", "Tags.member.1.Value", Boolean.toString(optedIn),
                "Tags.member.1.ResourceId", name, "Tags.member.1.ResourceType", "auto-scaling-group",
                "Tags.member.1.PropagateAtLaunch", "false"));
        query("autoscaling", asg);
        if (zones.length > 1) {
            // moto launches each batch in one zone drawn at random: grow the group one zone at a time, then give it all
            // of them (AWS balances by itself; moto places later replacements at random among them)
            int total = share(desired, zones.length, 0);
            for (int z = 1; z < zones.length; z++) {
                total += share(desired, zones.length, z);
                query("autoscaling", Map.of("Action", "UpdateAutoScalingGroup", "Version", "2011-01-01",
                        "AutoScalingGroupName", name, "AvailabilityZones.member.1", zones[z], "DesiredCapacity", Integer.toString(total)));
            }
            Map<String, String> all = new LinkedHashMap<>(Map.of("Action", "UpdateAutoScalingGroup", "Version", "2011-01-01",
                    "AutoScalingGroupName", name));
            for (int z = 0; z < zones.length; z++) {
                all.put("AvailabilityZones.member." + (z + 1), zones[z]);
            }
            query("autoscaling", all);
        }
    }

    /** Members of zone {@code z} when {@code desired} are spread evenly over {@code zones}, the first zones first. */
    private static int share(int desired, int zones, int z) {
        return desired / zones + (z < desired % zones ? 1 : 0);
    }

    private TestServer server(MacaqueConfig.Mode mode) throws Exception {
        return server(mode, java.util.function.UnaryOperator.identity());
    }

    private TestServer server(MacaqueConfig.Mode mode, java.util.function.UnaryOperator<MacaqueConfig> adjust) throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        if (!Files.exists(plugins.resolve("aws"))) {
            Files.createSymbolicLink(plugins.resolve("aws"), Path.of("target/macaque/plugins/aws").toAbsolutePath());
        }
        return TestServer.startWith(home, TestDatabases.h2(home), mode, Map.of("aws-moto", Map.of("type", "aws",
                "regions", java.util.List.of("us-east-1"), "endpoint", endpoint.toString(), "maxAttempts", "2")), adjust);
    }

    private static JsonNode awaitEnd(TestServer server, String token, String id) {
        JsonNode[] run = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            run[0] = TestServer.json(server.get("/api/v1/experiments/" + id, token));
            return java.util.Set.of("COMPLETED", "FAILED", "ABORTED").contains(run[0].get("state").asText());
        });
        return run[0];
    }

    private static int healthy(TestServer server, String token, String group) {
        for (JsonNode g : TestServer.json(server.get("/api/v1/groups?provider=aws-moto", token)).get("items")) {
            if (g.get("name").asText().equals(group)) {
                return g.get("healthyInService").asInt();
            }
        }
        throw new AssertionError("group " + group + " not listed: " + server.get("/api/v1/groups?provider=aws-moto", token).body());
    }

    @Test
    void leashedTheServerDryRunsOnAwsAndUnleashedItKillsAndVerifiesRecovery() throws Exception {
        createGroup("web-it", true);
        createGroup("db-it", false);
        String spec = "{\"name\":\"kill-one-web\",\"targets\":{\"providers\":[\"aws-moto\"],\"groups\":[\"web-it\",\"db-it\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":2},\"recovery\":{\"timeout\":\"1m\",\"pollInterval\":\"500ms\"}}";

        try (TestServer leashed = server(MacaqueConfig.Mode.LEASHED)) {
            String token = leashed.adminToken;
            JsonNode providers = TestServer.json(leashed.get("/api/v1/providers", token));
            assertThat(providers.get("installed").findValuesAsText("origin")).anySatisfy(o -> assertThat(o).endsWith("plugins/aws"));
            assertThat(healthy(leashed, token, "web-it")).isEqualTo(3);

            JsonNode run = awaitEnd(leashed, token, TestServer.json(leashed.sendJson("POST", "/api/v1/experiments", token, spec)).get("id").asText());

            assertThat(run.get("leashed").asBoolean()).isTrue();
            assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(run.get("terminations").findValuesAsText("status")).containsOnly("WOULD_TERMINATE");
            assertThat(run.get("terminations").findValuesAsText("group")).containsOnly("aws-moto/us-east-1/web-it");
            assertThat(run.get("terminations").get(0).get("detail").asText()).contains("DryRunOperation");
            assertThat(healthy(leashed, token, "web-it")).as("a dry run kills nothing").isEqualTo(3);
        }

        try (TestServer unleashed = server(MacaqueConfig.Mode.UNLEASHED)) {
            String token = unleashed.adminToken;
            JsonNode run = awaitEnd(unleashed, token, TestServer.json(unleashed.sendJson("POST", "/api/v1/experiments", token,
                    spec.replace("\"value\":2", "\"value\":1"))).get("id").asText());

            assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
            assertThat(run.get("terminations")).hasSize(1);
            assertThat(run.get("terminations").get(0).get("status").asText()).isEqualTo("TERMINATED");
            assertThat(run.get("terminations").get(0).get("group").asText()).isEqualTo("aws-moto/us-east-1/web-it");
            assertThat(run.get("recoveries").get(0).get("status").asText()).isEqualTo("RECOVERED");
            assertThat(healthy(unleashed, token, "db-it")).as("the group that did not opt in is untouched").isEqualTo(3);
        }
    }

    /** Instance id to "group zone" as moto reports them, read without Macaque. */
    private static Map<String, String> membersByMoto() throws Exception {
        String body = query("autoscaling", Map.of("Action", "DescribeAutoScalingInstances", "Version", "2011-01-01"));
        Map<String, String> members = new java.util.TreeMap<>();
        Matcher member = Pattern.compile("<member>(.*?)</member>", Pattern.DOTALL).matcher(body);
        while (member.find()) {
            String xml = member.group(1);
            members.put(field(xml, "InstanceId"), field(xml, "AutoScalingGroupName") + " " + field(xml, "AvailabilityZone"));
        }
        return members;
    }

    private static String field(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : "";
    }

    @Test
    void aZoneOutageKillsExactlyTheOptedInMembersInTheZoneAsPreviewedAndPredictedAndATooSmallBudgetKillsNothing()
            throws Exception {
        createGroup("web-z", true, 6, "us-east-1a", "us-east-1b", "us-east-1c");
        createGroup("api-z", true, 3, "us-east-1a", "us-east-1b", "us-east-1c");
        createGroup("solo-z", true, 2, "us-east-1a");
        createGroup("db-z", false, 3, "us-east-1a", "us-east-1b", "us-east-1c");
        Map<String, String> before = membersByMoto();
        java.util.List<String> expected = before.entrySet().stream()
                .filter(e -> e.getValue().endsWith(" us-east-1a") && (e.getValue().startsWith("web-z ") || e.getValue().startsWith("api-z ")))
                .map(e -> "aws-moto/us-east-1/" + e.getValue().split(" ")[0] + "/" + e.getKey()).sorted().toList();
        // web-z has 2 members in us-east-1a, api-z 1 (solo-z's 2 are refused, db-z's 1 did not opt in)
        assertThat(expected).as("the groups are spread over their zones").hasSize(3);
        String spec = "{\"name\":\"lose-1a\",\"seed\":5,\"targets\":{\"providers\":[\"aws-moto\"],"
                + "\"groups\":[\"web-z\",\"api-z\",\"solo-z\",\"db-z\"]},\"selection\":{\"mode\":\"zone\",\"zone\":\"us-east-1a\"},"
                + "\"guardrails\":{\"minHealthyPercent\":30},\"recovery\":{\"timeout\":\"1m\",\"pollInterval\":\"500ms\"}";

        // a budget of one kill an hour: the outage needs more, so it is refused whole
        try (TestServer small = server(MacaqueConfig.Mode.UNLEASHED, c -> c.withSafety(new MacaqueConfig.SafetyConfig(1, 50, 3)))) {
            JsonNode run = awaitEnd(small, small.adminToken, TestServer.json(small.sendJson("POST", "/api/v1/experiments",
                    small.adminToken, spec + "}")).get("id").asText());
            assertThat(run.get("terminations")).isEmpty();
            assertThat(run.get("refusals").findValuesAsText("reason")).contains("FLEET_BUDGET", "LAST_HEALTHY_INSTANCE")
                    .containsOnly("FLEET_BUDGET", "LAST_HEALTHY_INSTANCE");
            assertThat(run.get("refusals").get(0).get("message").asText()).contains("needs " + expected.size() + " terminations")
                    .contains("safety.maxTerminationsPerHour=1");
            assertThat(membersByMoto()).as("nothing killed").isEqualTo(before);
        }

        try (TestServer unleashed = server(MacaqueConfig.Mode.UNLEASHED)) {
            String token = unleashed.adminToken;
            JsonNode preview = TestServer.json(unleashed.sendJson("POST", "/api/v1/experiments/preview", token,
                    spec + ",\"predict\":true}"));
            JsonNode run = awaitEnd(unleashed, token, TestServer.json(unleashed.sendJson("POST", "/api/v1/experiments", token,
                    spec + "}")).get("id").asText());

            assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
            java.util.List<String> killed = new java.util.ArrayList<>();
            run.get("terminations").forEach(t -> {
                assertThat(t.get("status").asText()).isEqualTo("TERMINATED");
                killed.add(t.get("group").asText() + "/" + t.get("instanceId").asText());
            });
            assertThat(killed).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(run.get("refusals").findValuesAsText("group")).containsOnly("aws-moto/us-east-1/solo-z").hasSize(2);
            assertThat(run.get("refusals").findValuesAsText("reason")).containsOnly("LAST_HEALTHY_INSTANCE");
            assertThat(run.get("victims")).isEqualTo(preview.get("victims"));
            assertThat(run.get("victims")).isEqualTo(preview.at("/prediction/victims"));
            assertThat(run.get("recoveries").findValuesAsText("status")).containsOnly("RECOVERED");
            assertThat(run.get("recoveries").findValuesAsText("group")).containsExactlyInAnyOrderElementsOf(
                    expected.stream().map(v -> v.substring(0, v.lastIndexOf('/'))).distinct().toList());
            Map<String, String> after = membersByMoto();
            before.forEach((id, where) -> {
                if (!expected.contains("aws-moto/us-east-1/" + where.split(" ")[0] + "/" + id)) {
                    assertThat(after).as("untouched: %s", id).containsEntry(id, where);
                }
            });
        }
    }
}
