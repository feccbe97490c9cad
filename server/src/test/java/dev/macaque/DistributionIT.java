package dev.macaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, for real: the built distribution's {@code bin/macaque serve} on its embedded defaults
 * (simulated demo world, embedded H2 under ./data, cloud plugins in plugins/), then a graceful SIGTERM.
 */
class DistributionIT {
    private static final Path HOME = Path.of("target/macaque").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;

    private ProcessBuilder macaque(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(HOME.resolve("bin/macaque").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("MACAQUE_"));
        return builder;
    }

    @Test
    void theDistributionServesTheDemoWorldListsEveryProviderAndStopsGracefullyOnSigterm() throws Exception {
        assertThat(HOME.resolve("conf/macaque.yaml")).isRegularFile();
        for (String cloud : List.of("aws", "azure", "gcp")) {
            assertThat(HOME.resolve("plugins/" + cloud)).isDirectory();
        }
        // what a plugin author compiles and tests against without a Maven repository
        assertThat(HOME.resolve("sdk/platform-api-0.1.0-SNAPSHOT.jar")).isRegularFile();
        assertThat(HOME.resolve("sdk/platform-api-0.1.0-SNAPSHOT-tests.jar")).isRegularFile();
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path stderr = workDir.resolve("stderr.log");
        Process server = macaque("serve", "--port", Integer.toString(port)).redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String tokenLine = out.readLine();
            assertThat(tokenLine).as("stderr: %s", Files.exists(stderr) ? Files.readString(stderr) : "").startsWith("ADMIN TOKEN: mq_");
            String token = tokenLine.substring("ADMIN TOKEN: ".length());
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            JsonNode providers = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/providers"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
            Map<String, JsonNode> installed = new java.util.TreeMap<>();
            providers.get("installed").forEach(p -> installed.put(p.get("type").asText(), p));
            assertThat(installed).containsOnlyKeys("simulated", "aws", "azure", "gcp");
            assertThat(installed.get("simulated").get("origin").asText()).isEqualTo("built-in");
            for (String cloud : List.of("aws", "azure", "gcp")) {
                assertThat(installed.get(cloud).get("origin").asText()).endsWith("plugins/" + cloud);
                assertThat(installed.get(cloud).get("pluginVersion").asText()).isEqualTo("0.1.0-SNAPSHOT");
                assertThat(installed.get(cloud).get("status").asText()).isEqualTo("not configured");
            }
            assertThat(providers.get("loadErrors")).isEmpty();
            JsonNode sim = StreamSupport.stream(providers.get("instances").spliterator(), false)
                    .filter(i -> i.get("id").asText().equals("sim")).findFirst().orElseThrow();
            assertThat(sim.get("status").asText()).isEqualTo("ready");
            assertThat(Files.isDirectory(workDir.resolve("data"))).as("embedded database under ./data").isTrue();

            server.destroy(); // SIGTERM
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(stderr)).contains("Macaque stopped");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void theProvidersAndVersionCommandsWorkFromTheDistribution() throws Exception {
        Process providers = macaque("providers").redirectErrorStream(false).start();
        String listing = new String(providers.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(providers.waitFor()).isZero();
        assertThat(listing).contains("simulated").contains("plugins/aws").contains("plugins/azure").contains("plugins/gcp")
                .doesNotContain("failed to load");
        // each plugin's own version, from its jar's manifest, beside the SPI version it was built for
        assertThat(listing.lines().filter(l -> l.startsWith("aws ")).findFirst().orElseThrow())
                .matches("aws\\s+" + java.util.regex.Pattern.quote(dev.macaque.spi.SpiVersion.CURRENT) + "\\s+0\\.1\\.0-SNAPSHOT\\s.*");

        Process version = macaque("version").start();
        assertThat(new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Macaque 0.1.0-SNAPSHOT")
                .contains("Provider SPI " + dev.macaque.spi.SpiVersion.CURRENT);
        assertThat(version.waitFor()).isZero();

        Process bad = macaque("serve", "--port", "not-a-port").start();
        assertThat(bad.waitFor()).isEqualTo(2);
        assertThat(new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("--port");
    }
}
