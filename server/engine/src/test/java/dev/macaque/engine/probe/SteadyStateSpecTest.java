package dev.macaque.engine.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code steadyState} and {@code pacing} in an experiment spec: the documented example, defaults, field errors. */
class SteadyStateSpecTest {
    private final ExperimentSpecParser parser = new ExperimentSpecParser();

    private ExperimentSpec parse(String more) {
        return parser.parse("{\"name\": \"x\", \"selection\": {\"mode\": \"count\", \"value\": 1}, " + more + "}");
    }

    private List<String> errors(String more) {
        return catchThrowableOfType(SpecValidationException.class, () -> parse(more)).errors().stream()
                .map(FieldError::toString).toList();
    }

    @Test
    void readsTheDocumentedExample() {
        ExperimentSpec spec = parse("""
                "steadyState": {
                  "probes": [
                    {"name": "checkout-ok", "http": {"url": "https://shop.example/health", "expectStatus": [200], "timeout": "2s",
                                                     "maxLatency": "500ms", "headers": {"Authorization": "${env:SHOP_TOKEN}"}}},
                    {"name": "error-rate",  "prometheus": {"url": "http://prometheus:9090",
                                                           "query": "sum(rate(http_requests_total{code=~\\"5..\\"}[1m]))", "max": 5}},
                    {"name": "api-served",  "service": {"name": "api", "minSuccessPercent": 99}}
                  ],
                  "every": "10s",
                  "tolerance": 2
                },
                "pacing": {"between": "1m"}
                """);
        assertThat(spec.pacing()).isEqualTo(Duration.ofMinutes(1));
        assertThat(spec.steadyState().every()).isEqualTo(Duration.ofSeconds(10));
        assertThat(spec.steadyState().tolerance()).isEqualTo(2);
        assertThat(spec.steadyState().probes()).containsExactly(
                new Probe.Http("checkout-ok", URI.create("https://shop.example/health"), Set.of(200), Duration.ofSeconds(2),
                        Duration.ofMillis(500), Map.of("Authorization", "${env:SHOP_TOKEN}")),
                new Probe.Prometheus("error-rate", URI.create("http://prometheus:9090"),
                        "sum(rate(http_requests_total{code=~\"5..\"}[1m]))", null, 5.0, Duration.ofSeconds(2), Map.of()),
                new Probe.Service("api-served", "api", 99));
    }

    @Test
    void withoutTheBlocksThereAreNoProbesAndNoPause() {
        ExperimentSpec spec = parse("\"dryRun\": false");
        assertThat(spec.steadyState()).isEqualTo(SteadyState.NONE);
        assertThat(spec.pacing()).isZero();
        ExperimentSpec minimal = parse("\"steadyState\": {\"probes\": [{\"name\": \"h\", \"http\": {\"url\": \"http://a/h\"}}]}");
        assertThat(minimal.steadyState().every()).isEqualTo(SteadyState.DEFAULT_EVERY);
        assertThat(minimal.steadyState().tolerance()).isEqualTo(1);
        assertThat(minimal.steadyState().probes().get(0)).isInstanceOfSatisfying(Probe.Http.class, http -> {
            assertThat(http.expectStatus()).containsExactly(200);
            assertThat(http.timeout()).isEqualTo(ProbeParser.DEFAULT_TIMEOUT);
            assertThat(http.maxLatency()).isNull();
        });
    }

    @Test
    void everyWrongFieldIsReportedAtOnceWithItsPath() {
        assertThat(errors("""
                "steadyState": {"probes": [
                    {"name": "a", "http": {"url": "ftp://x", "expectStatus": [99], "timeout": "20s"}},
                    {"name": "a", "prometheus": {"url": "http://p:9090", "query": ""}},
                    {"name": "b", "http": {"url": "http://x"}, "service": {"name": "api", "minSuccessPercent": 99}},
                    {"name": "c", "service": {"name": "api", "minSuccessPercent": 150}},
                    {"name": "d", "htp": {}}],
                  "every": "10s", "tolerance": 0},
                "pacing": {"between": "2h", "jitter": "1s"}
                """)).containsExactlyInAnyOrder(
                "steadyState.tolerance must be a whole number of consecutive failures in 1..100, was 0",
                "steadyState.probes[0].http.url must be an absolute http or https URL, was \"ftp://x\"",
                "steadyState.probes[0].http.expectStatus[0] must be an HTTP status code in 100..599, was 99",
                "steadyState.probes[0].http.timeout must be at most steadyState.every (10s), was 20s",
                "steadyState.probes[1].prometheus.query must be a non-blank PromQL expression, was \"\"",
                "steadyState.probes[1].prometheus needs min, max or both: the bounds the query's value must stay within",
                "steadyState.probes[2] has http and service; a probe is exactly one of http, prometheus, service",
                "steadyState.probes[3].service.minSuccessPercent must be in 0..100, was 150.0",
                "steadyState.probes[4].htp is not a known field (known: http, name, prometheus, service)",
                "steadyState.probes[4] needs one of http, prometheus, service",
                "pacing.between must be at most 1h, was 2h",
                "pacing.jitter is not a known field (known: between)");
    }

    @Test
    void probeNamesAreUniqueAndUrlsCarryNoCredentials() {
        assertThat(errors("\"steadyState\": {\"probes\": [{\"name\": \"a\", \"http\": {\"url\": \"http://x/1\"}},"
                + "{\"name\": \"a\", \"http\": {\"url\": \"http://x/2\"}}]}"))
                .containsExactly("steadyState.probes[1].name 'a' is used by another probe; names must be unique");
        assertThat(errors("\"steadyState\": {\"probes\": [{\"name\": \"a\", \"http\": {\"url\": \"http://u:secret@x/1\"}}]}"))
                .singleElement().asString().startsWith("steadyState.probes[0].http.url must not carry credentials")
                .doesNotContain("secret");
    }

    @Test
    void aHeaderValueIsNeverEchoedInAnError() {
        assertThat(errors("\"steadyState\": {\"probes\": [{\"name\": \"a\", \"http\": {\"url\": \"http://x\", "
                + "\"headers\": {\"Authorization\": 12345678}}}]}"))
                .containsExactly("steadyState.probes[0].http.headers.Authorization must be a string (a value or ${env:NAME})");
    }

    @Test
    void theSpecsTextFormMasksHeaderValues() {
        ExperimentSpec spec = parse("\"steadyState\": {\"probes\": [{\"name\": \"a\", \"http\": {\"url\": \"http://x\", "
                + "\"headers\": {\"Authorization\": \"Bearer literal-secret\"}}}]}");
        assertThat(spec.toString()).doesNotContain("literal-secret").contains("Authorization=***");
    }
}
