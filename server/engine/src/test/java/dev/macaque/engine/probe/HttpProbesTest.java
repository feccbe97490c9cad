package dev.macaque.engine.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.probe.LoopbackEndpoints.Answer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code http} and {@code prometheus} probes against real endpoints on 127.0.0.1. */
class HttpProbesTest {
    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);
    private LoopbackEndpoints endpoints;
    private final HttpProbes probes = new HttpProbes(name -> name.equals("SHOP_TOKEN") ? "s3cr3t-token" : null);
    private final AtomicReference<String> lastQuery = new AtomicReference<>();

    @BeforeEach
    void start() throws Exception {
        endpoints = new LoopbackEndpoints()
                .answer("/healthy", q -> new Answer(200, "ok"))
                .answer("/failing", q -> new Answer(503, "down"))
                .slow("/slow", 300)
                .hang("/hang")
                .answer("/api/v1/query", q -> {
                    String query = URLDecoder.decode(q.substring("query=".length()), StandardCharsets.UTF_8);
                    lastQuery.set(query);
                    return switch (query) {
                        case "vector_ok" -> LoopbackEndpoints.prometheus("vector",
                                "[{\"metric\":{\"job\":\"shop\"},\"value\":[1435781451.781,\"3.5\"]}]");
                        case "scalar_high" -> LoopbackEndpoints.prometheus("scalar", "[1435781451.781,\"7.25\"]");
                        case "empty" -> LoopbackEndpoints.prometheus("vector", "[]");
                        case "two" -> LoopbackEndpoints.prometheus("vector",
                                "[{\"metric\":{\"code\":\"500\"},\"value\":[1,\"1\"]},{\"metric\":{\"code\":\"503\"},\"value\":[1,\"2\"]}]");
                        case "matrix" -> LoopbackEndpoints.prometheus("matrix", "[]");
                        default -> new Answer(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}");
                    };
                });
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    private Probe.Http http(String path, Duration maxLatency, Duration timeout, Map<String, String> headers) {
        return new Probe.Http("p", endpoints.uri(path), Set.of(200), timeout, maxLatency, headers);
    }

    private ProbeResult evaluate(Probe probe) {
        return probes.evaluate(probe).join();
    }

    private Probe.Prometheus prometheus(String query, Double min, Double max) {
        return new Probe.Prometheus("errors", java.net.URI.create(endpoints.base() + "/"), query, min, max, TWO_SECONDS, Map.of());
    }

    @Test
    void anExpectedStatusPasses() {
        ProbeResult result = evaluate(http("/healthy", null, TWO_SECONDS, Map.of()));
        assertThat(result.passed()).isTrue();
        assertThat(result.observed()).startsWith("HTTP 200 in ");
    }

    @Test
    void anUnexpectedStatusFailsWithTheStatus() {
        ProbeResult result = evaluate(http("/failing", null, TWO_SECONDS, Map.of()));
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("status 503 is not one of [200]");
    }

    @Test
    void anAnswerSlowerThanMaxLatencyFails() {
        ProbeResult result = evaluate(http("/slow", Duration.ofMillis(100), TWO_SECONDS, Map.of()));
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).contains("more than maxLatency 100ms");
    }

    @Test
    void aHangingEndpointFailsAtTheTimeoutWithoutBlockingTheCaller() {
        var answer = probes.evaluate(http("/hang", null, Duration.ofMillis(200), Map.of()));
        assertThat(answer).isNotDone(); // the caller got a future, not a wait
        ProbeResult result = answer.join();
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("no answer from 127.0.0.1 within 200ms");
    }

    @Test
    void headersFromTheEnvironmentAreSentAndNeverShown() {
        Probe.Http probe = http("/healthy", null, TWO_SECONDS, Map.of("Authorization", "Bearer ${env:SHOP_TOKEN}"));
        ProbeResult result = evaluate(probe);
        assertThat(result.passed()).isTrue();
        assertThat(endpoints.requests.get("/healthy")).singleElement()
                .satisfies(h -> assertThat(h.get("Authorization")).isEqualTo(List.of("Bearer s3cr3t-token")));
        assertThat(result.toString()).doesNotContain("s3cr3t");
        assertThat(probe.toString()).doesNotContain("s3cr3t").doesNotContain("env:SHOP_TOKEN").contains("Authorization=***");
    }

    @Test
    void aHeaderNamingAnUnsetVariableFailsWithoutCalling() {
        ProbeResult result = evaluate(http("/healthy", null, TWO_SECONDS, Map.of("Authorization", "${env:NOT_SET}")));
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("header Authorization names an environment variable that is not set");
        assertThat(endpoints.requests.get("/healthy")).isNull();
    }

    @Test
    void aConnectionRefusedFailsWithTheReason() {
        endpoints.close();
        ProbeResult result = evaluate(http("/healthy", null, TWO_SECONDS, Map.of()));
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("could not ask 127.0.0.1: ");
    }

    @Test
    void aPrometheusVectorOfOneSeriesWithinBoundsPasses() {
        ProbeResult result = evaluate(prometheus("vector_ok", null, 5.0));
        assertThat(result).isEqualTo(ProbeResult.pass("errors", "3.5"));
        assertThat(lastQuery.get()).isEqualTo("vector_ok");
    }

    @Test
    void aPrometheusScalarAboveMaxFails() {
        assertThat(evaluate(prometheus("scalar_high", 0.0, 5.0)))
                .isEqualTo(ProbeResult.fail("errors", "7.25", "7.25 is above max 5"));
        assertThat(evaluate(prometheus("vector_ok", 4.0, null)))
                .isEqualTo(ProbeResult.fail("errors", "3.5", "3.5 is below min 4"));
    }

    @Test
    void anEmptyPrometheusResultFailsWithThatReason() {
        assertThat(evaluate(prometheus("empty", null, 5.0)).detail())
                .isEqualTo("the query returned no series (an empty result)");
    }

    @Test
    void aMultiSeriesPrometheusResultFailsWithThatReason() {
        ProbeResult result = evaluate(prometheus("two", null, 5.0));
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("the query returned 2 series, not one (aggregate it, e.g. with sum())");
    }

    @Test
    void aPrometheusErrorAndARangeResultFailWithTheirReasons() {
        assertThat(evaluate(prometheus("sum(", null, 5.0)).detail()).isEqualTo("query failed (HTTP 400): bad_data: parse error");
        assertThat(evaluate(prometheus("matrix", null, 5.0)).detail()).startsWith("the query returned a matrix, not one sample");
    }
}
