package dev.macaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
    private static final String FALLBACK_MOTO = "/root/.pyenv/shims/moto_server";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Process moto;
    private static URI endpoint;

    @TempDir
    Path home;

    @BeforeAll
    static void startMoto() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("moto-", ".log");
        moto = new ProcessBuilder(locateMoto(), "-H", "127.0.0.1", "-p", Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() < 500);
        // the SDK inside the plugin finds these through its default credential chain; moto accepts any
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.destroyForcibly();
        }
    }

    private static String locateMoto() {
        String fromEnv = System.getenv("MOTO_SERVER");
        if (fromEnv != null && new File(fromEnv).canExecute()) {
            return fromEnv;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "moto_server").canExecute()) {
                return new File(dir, "moto_server").getPath();
            }
        }
        if (new File(FALLBACK_MOTO).canExecute()) {
            return FALLBACK_MOTO;
        }
        throw new AssertionError("moto_server not found ($MOTO_SERVER, $PATH, " + FALLBACK_MOTO + "): this test needs it");
    }

    /** One AWS Query API call to moto (form-encoded; moto routes by the credential scope and does not check signatures). */
    private static String query(String service, Map<String, String> params) throws Exception {
        String form = params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261126/us-east-1/" + service
                        + "/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", service, params.get("Action"), response.body()).isEqualTo(200);
        return response.body();
    }

    private static void createGroup(String name, boolean optedIn) throws Exception {
        Matcher image = Pattern.compile("<imageId>([^<]+)</imageId>")
                .matcher(query("ec2", Map.of("Action", "DescribeImages", "Version", "2016-11-15", "Owner.1", "amazon")));
        assertThat(image.find()).isTrue();
        query("ec2", Map.of("Action", "CreateLaunchTemplate", "Version", "2016-11-15", "LaunchTemplateName", "lt-" + name,
                "LaunchTemplateData.ImageId", image.group(1), "LaunchTemplateData.InstanceType", "t3.micro"));
        Map<String, String> asg = new LinkedHashMap<>(Map.of("Action", "CreateAutoScalingGroup", "Version", "2011-01-01",
                "AutoScalingGroupName", name, "LaunchTemplate.LaunchTemplateName", "lt-" + name, "MinSize", "0", "MaxSize", "5",
                "DesiredCapacity", "3", "AvailabilityZones.member.1", "us-east-1a"));
        asg.putAll(Map.of("Tags.member.1.Key", "macaque-enabled", "Tags.member.1.Value", Boolean.toString(optedIn),
                "Tags.member.1.ResourceId", name, "Tags.member.1.ResourceType", "auto-scaling-group",
                "Tags.member.1.PropagateAtLaunch", "false"));
        query("autoscaling", asg);
    }

    private TestServer server(MacaqueConfig.Mode mode) throws Exception {
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        if (!Files.exists(plugins.resolve("aws"))) {
            Files.createSymbolicLink(plugins.resolve("aws"), Path.of("target/macaque/plugins/aws").toAbsolutePath());
        }
        return TestServer.start(home, TestDatabases.h2(home), mode, Map.of("aws-moto", Map.of("type", "aws",
                "regions", java.util.List.of("us-east-1"), "endpoint", endpoint.toString(), "maxAttempts", "2")));
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
}
