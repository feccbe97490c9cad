package dev.macaque.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.testcloud.FileCloudFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A server process killed with SIGKILL at each step boundary of a termination, then a new server on the same
 * database and the same cloud (a cloud whose state is in files, so it outlives the process): the run record and the
 * audit trail list exactly the terminations the cloud saw, each exactly once, and none is repeated.
 */
class CrashAtEveryStepTest {
    enum Boundary {
        /** the intent is committed; the provider was not called yet */
        INTENT_COMMITTED("before-terminate", 0),
        /** the provider terminated the instance; its answer never reached the store */
        PROVIDER_CALLED("after-terminate", 1),
        /** the outcome is committed; the first health read of the verification has not answered */
        OUTCOME_COMMITTED("health", 1),
        /** verification is under way: health was read at least once */
        DURING_VERIFICATION(null, 1);

        final String hold;
        final int killed;

        Boundary(String hold, int killed) {
            this.hold = hold;
            this.killed = killed;
        }
    }

    @TempDir
    Path home;

    private Process child;
    private TestServer server;

    @AfterEach
    void stop() {
        if (child != null) {
            child.destroyForcibly();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Boundary.class)
    void theRecordAndTheAuditTrailListExactlyTheTerminationsTheCloudSawAfterASigkill(Boundary boundary) throws Exception {
        Path cloudDir = home.resolve("cloud");
        Files.createDirectories(cloudDir);
        String url = "jdbc:h2:file:" + home.resolve("db");
        Path config = home.resolve("macaque.yaml");
        Files.writeString(config, String.join("\n", "server: {host: 127.0.0.1, port: 0}", "mode: unleashed",
                "database: {url: \"" + url + "\"}", "providers:",
                "  fc: {type: filecloud, dir: \"" + cloudDir + "\", groups: \"eu-west-1:web:4\", healAfterMillis: 60000}", ""));
        if (boundary.hold != null) {
            Files.writeString(cloudDir.resolve("hold-" + boundary.hold), "hold");
        }
        child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.macaque.cli.Main", "serve", "--config", config.toString())
                .redirectError(home.resolve("child.err").toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        int port = awaitPort(home.resolve("child.err"));
        String admin = out.readLine().substring("ADMIN TOKEN: ".length());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/experiments"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"crash\",\"selection\":{\"mode\":\"count\",\"value\":1},"
                        + "\"recovery\":{\"timeout\":\"5m\",\"pollInterval\":\"100ms\"}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = TestServer.json(created).get("id").asText();
        if (boundary.hold != null) {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(cloudDir.resolve("reached-" + boundary.hold)));
        } else {
            await().atMost(Duration.ofSeconds(30)).until(() -> http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/v1/experiments/" + id + "/events"))
                    .header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString()).body().contains("HEALTH_CHECKED"));
        }

        child.destroyForcibly().waitFor();   // SIGKILL at the boundary
        Files.deleteIfExists(cloudDir.resolve("hold-" + boundary.hold));
        List<String> sawBeforeRestart = FileCloudFactory.terminations(cloudDir);
        assertThat(sawBeforeRestart).as("what the cloud saw").hasSize(boundary.killed);

        server = TestServer.start(home.resolve("restart"), new MacaqueConfig.DatabaseConfig(url, null, null, null),
                MacaqueConfig.Mode.UNLEASHED, Map.of("fc", Map.of("type", "filecloud", "dir", cloudDir.toString(),
                        "groups", "eu-west-1:web:4", "healAfterMillis", "60000")));
        JsonNode run = TestServer.json(server.get("/api/v1/experiments/" + id, admin));
        assertThat(run.get("state").asText()).isEqualTo("FAILED");
        assertThat(run.get("failureReason").asText()).contains("without repeating any termination");
        JsonNode terminations = run.get("terminations");
        assertThat(terminations).hasSize(1);
        String instance = terminations.get(0).get("instanceId").asText();
        String status = terminations.get(0).get("status").asText();
        List<String> killed = new ArrayList<>();
        for (String line : sawBeforeRestart) {
            killed.add(line.substring(line.lastIndexOf('/') + 1));
        }
        if (boundary.killed == 1) {
            assertThat(killed).containsExactly(instance);
            assertThat(status).isEqualTo("TERMINATED");
        } else {
            assertThat(status).isEqualTo("NOT_TERMINATED");
        }
        assertThat(run.get("victims").findValuesAsText("instanceId")).containsExactly(instance);

        // The audit trail: one intent entry and one outcome entry for the victim, nothing else about it.
        List<String> outcomes = new ArrayList<>();
        for (JsonNode entry : TestServer.json(server.get("/api/v1/audit?limit=200", admin)).get("items")) {
            if (entry.get("action").asText().equals("instance.terminate")) {
                assertThat(entry.get("target").asText()).endsWith("/" + instance);
                outcomes.add(entry.get("outcome").asText());
            }
        }
        String expected = switch (boundary) {
            case INTENT_COMMITTED -> "not_terminated (reconciled)";
            case PROVIDER_CALLED -> "terminated (reconciled)";
            default -> "terminated";
        };
        assertThat(outcomes).containsExactlyInAnyOrder("intended", expected);

        Thread.sleep(500);
        assertThat(FileCloudFactory.terminations(cloudDir)).as("nothing is terminated again after the restart")
                .isEqualTo(sawBeforeRestart);
    }

    private static int awaitPort(Path log) {
        int[] port = new int[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Matcher m = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)").matcher(Files.readString(log));
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            return false;
        });
        return port[0];
    }
}
