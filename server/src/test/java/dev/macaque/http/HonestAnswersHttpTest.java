package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent no-ops, against a running server on the demo world: a request that cannot do what was asked says so and
 * why, and the target preview answers what a run would do.
 */
class HonestAnswersHttpTest {
    private static final Map<String, Object> DEMO = Map.of("type", "simulated", "world", "demo");
    /** A cloud created fine that cannot list anything, as AWS configured without credentials. */
    private static final Map<String, Object> NO_CREDENTIALS = Map.of("type", "testcloud", "groups", "eu-west-1:web:3:true",
            "failListing", "true");

    @TempDir
    Path home;
    private TestServer server;
    private String operator;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Map<String, Map<String, Object>> providers) {
        server = TestServer.start(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED, providers);
        operator = server.token("oncall", "operator");
    }

    private HttpResponse<String> post(String path, String body) {
        return server.sendJson("POST", path, operator, body);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detailPart) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith(Problem.CONTENT_TYPE);
        assertThat(TestServer.json(response).get("detail").asText()).contains(detailPart);
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    @Test
    void aGroupThatDidNotOptInIsRefusedWith422NamingTheReason() {
        start(Map.of("sim", DEMO));
        HttpResponse<String> response = post("/api/v1/experiments",
                "{\"name\":\"kill-db\",\"targets\":{\"groups\":[\"db\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}");
        assertProblem(response, 422, "no group is eligible");
        assertThat(list(TestServer.json(response).get("excluded"))).anySatisfy(e -> {
            assertThat(e.get("group").asText()).isEqualTo("db");
            assertThat(e.get("reason").asText()).isEqualTo("NOT_OPTED_IN");
        });
        assertThat(TestServer.json(server.get("/api/v1/experiments", operator)).get("items")).isEmpty();
    }

    @Test
    void aMistypedGroupIsRefusedWith422AndADidYouMean() {
        start(Map.of("sim", DEMO));
        HttpResponse<String> response = post("/api/v1/experiments",
                "{\"name\":\"kill-api\",\"targets\":{\"groups\":[\"apii\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}");
        assertProblem(response, 422, "did you mean 'api'?");
        assertThat(list(TestServer.json(response).get("excluded"))).anySatisfy(e -> {
            assertThat(e.get("group").asText()).isEqualTo("apii");
            assertThat(e.get("reason").asText()).isEqualTo("NOT_FOUND");
            assertThat(e.get("suggestion").asText()).isEqualTo("api");
        });
    }

    @Test
    void anUnknownProviderIdIsA400NamingTheFieldAndTheKnownIds() {
        start(Map.of("sim", DEMO));
        HttpResponse<String> response = post("/api/v1/experiments",
                "{\"name\":\"x\",\"targets\":{\"providers\":[\"sim\",\"aws\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}");
        assertProblem(response, 400, "targets.providers[1]");
        JsonNode error = TestServer.json(response).get("errors").get(0);
        assertThat(error.get("field").asText()).isEqualTo("targets.providers[1]");
        assertThat(error.get("message").asText()).isEqualTo("'aws' is not a configured provider (configured: sim)");
    }

    @Test
    void thePreviewsVictimsAreThoseOfARunStartedRightAfterWithTheSameSeed() {
        start(Map.of("sim", DEMO));
        String spec = "{\"name\":\"p\",\"targets\":{\"tags\":{\"team\":\"storefront\"}},\"selection\":{\"mode\":\"count\",\"value\":3},"
                + "\"dryRun\":true,\"seed\":%d}";
        for (long seed : new long[] {1, 42, 9007199254740991L}) {
            HttpResponse<String> preview = post("/api/v1/experiments/preview", spec.formatted(seed));
            assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
            JsonNode p = TestServer.json(preview);
            assertThat(p.get("seed").asLong()).isEqualTo(seed);
            assertThat(list(p.get("eligible"))).extracting(g -> g.get("group").asText())
                    .containsExactly("eu-api", "eu-web", "api", "web");
            assertThat(list(p.get("excluded"))).anySatisfy(e -> assertThat(e.get("reason").asText()).isEqualTo("NOT_OPTED_IN"))
                    .anySatisfy(e -> assertThat(e.get("reason").asText()).isEqualTo("FILTERED_BY_TAG"));

            HttpResponse<String> created = post("/api/v1/experiments", spec.formatted(seed));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = TestServer.json(created).get("id").asText();
            JsonNode run = awaitEnd(id);
            assertThat(run.get("victims")).isEqualTo(p.get("victims"));
            assertThat(run.get("victims")).hasSize(3);
        }
    }

    private JsonNode awaitEnd(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return List.of("COMPLETED", "FAILED", "ABORTED").contains(last[0].get("state").asText());
        });
        return last[0];
    }

    @Test
    void aProviderWithoutCredentialsIsReportedDownAndRunsThatDoNotNeedItGoOn() {
        start(Map.of("sim", DEMO, "aws-prod", NO_CREDENTIALS));

        HttpResponse<String> ready = server.get("/health/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(TestServer.json(ready).get("status").asText()).isEqualTo("DEGRADED");
        assertThat(TestServer.json(ready).get("checks").get("provider:aws-prod").asText())
                .isEqualTo("DOWN: cannot list groups: PERMISSION_DENIED: no credentials: the default credentials chain found none");
        assertThat(TestServer.json(ready).get("checks").get("provider:sim").asText()).isEqualTo("UP");
        JsonNode instances = TestServer.json(server.get("/api/v1/providers", operator)).get("instances");
        assertThat(list(instances)).anySatisfy(i -> {
            assertThat(i.get("id").asText()).isEqualTo("aws-prod");
            assertThat(i.get("availability").asText()).isEqualTo("DOWN");
            assertThat(i.get("availabilityError").asText()).contains("no credentials");
        });

        HttpResponse<String> preview = post("/api/v1/experiments/preview",
                "{\"name\":\"p\",\"targets\":{\"groups\":[\"api\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}");
        assertThat(list(TestServer.json(preview).get("excluded"))).anySatisfy(e -> {
            assertThat(e.get("provider").asText()).isEqualTo("aws-prod");
            assertThat(e.get("reason").asText()).isEqualTo("PROVIDER_UNAVAILABLE");
        });

        HttpResponse<String> created = post("/api/v1/experiments",
                "{\"name\":\"p\",\"targets\":{\"groups\":[\"api\"]},\"selection\":{\"mode\":\"count\",\"value\":1},\"dryRun\":true}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode run = awaitEnd(TestServer.json(created).get("id").asText());
        assertThat(run.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(run.get("victims")).hasSize(1);
        JsonNode events = TestServer.json(server.get("/api/v1/experiments/" + run.get("id").asText() + "/events", operator));
        assertThat(list(events.get("items"))).anySatisfy(e -> {
            assertThat(e.get("type").asText()).isEqualTo("PROVIDER_UNAVAILABLE");
            assertThat(e.get("fields").get("provider").asText()).isEqualTo("aws-prod");
        });

        HttpResponse<String> named = post("/api/v1/experiments",
                "{\"name\":\"p\",\"targets\":{\"providers\":[\"aws-prod\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}");
        assertProblem(named, 422, "targets.providers names a provider that is unavailable now: aws-prod");
    }

    @Test
    void drawnSeedsSurviveJsonToolsAndLargerSeedsMustBeStrings() {
        start(Map.of("sim", DEMO));
        List<Long> drawn = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            JsonNode p = TestServer.json(post("/api/v1/experiments/preview",
                    "{\"name\":\"p\",\"selection\":{\"mode\":\"count\",\"value\":1}}"));
            drawn.add(p.get("seed").asLong());
        }
        assertThat(drawn).allSatisfy(seed -> assertThat(Math.abs(seed)).isLessThan(1L << 53));

        HttpResponse<String> tooBig = post("/api/v1/experiments/preview",
                "{\"name\":\"p\",\"selection\":{\"mode\":\"count\",\"value\":1},\"seed\":9007199254740993}");
        assertProblem(tooBig, 400, "seed");
        assertThat(TestServer.json(tooBig).get("errors").get(0).get("field").asText()).isEqualTo("seed");

        HttpResponse<String> asString = post("/api/v1/experiments/preview",
                "{\"name\":\"p\",\"selection\":{\"mode\":\"count\",\"value\":1},\"seed\":\"9007199254740993\"}");
        assertThat(asString.statusCode()).as(asString.body()).isEqualTo(200);
        // returned as it was given: a number beyond 2^53 would be rounded by jq and JavaScript
        assertThat(asString.body()).contains("\"seed\":\"9007199254740993\"");
    }

    @Test
    void authenticatedCallsRejectedWith400Or422AreAudited() {
        start(Map.of("sim", DEMO));
        post("/api/v1/experiments", "{\"name\":\"x\"}");
        post("/api/v1/experiments", "{\"name\":\"kill-db\",\"targets\":{\"groups\":[\"db\"]},\"selection\":{\"mode\":\"count\",\"value\":1}}");
        JsonNode audit = TestServer.json(server.get("/api/v1/audit", server.adminToken)).get("items");
        assertThat(list(audit)).filteredOn(e -> e.get("action").asText().equals("request.rejected"))
                .extracting(e -> e.get("outcome").asText())
                .contains("rejected-400", "rejected-422");
    }

    @Test
    void metricsHaveHelpForEveryMetricAGaugeOfRunsByStateAndAFewRecoveryBuckets() {
        start(Map.of("sim", DEMO));
        HttpResponse<String> created = post("/api/v1/experiments",
                "{\"name\":\"p\",\"targets\":{\"groups\":[\"cache\"]},\"selection\":{\"mode\":\"count\",\"value\":1},"
                        + "\"recovery\":{\"timeout\":\"5m\",\"pollInterval\":\"500ms\"}}");
        awaitEnd(TestServer.json(created).get("id").asText());
        String metrics = server.get("/metrics", null).body();

        assertThat(metrics.lines().filter(l -> l.startsWith("# HELP ")))
                .allSatisfy(help -> assertThat(help.split(" ", 4)).as(help).hasSize(4)
                        .satisfies(parts -> assertThat(parts[3].strip()).as(help).isNotEmpty()));
        assertThat(metrics).contains("macaque_runs_active{state=\"RUNNING\"}");
        assertThat(metrics.lines().filter(l -> l.startsWith("macaque_recovery_seconds_bucket"))).hasSizeBetween(10, 14);
    }
}
