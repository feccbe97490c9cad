package dev.macaque.engine.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates {@code http} and {@code prometheus} probes with the JDK's asynchronous {@link HttpClient}: no thread waits
 * for an answer, and every evaluation completes within its probe's timeout (a hanging endpoint fails with "no answer
 * within"). Answers are read up to {@value #MAX_BODY_BYTES} bytes. Header values {@code ${env:NAME}} are resolved from
 * the environment when the request is made; neither they nor their values ever appear in a result.
 */
public final class HttpProbes implements ProbeEvaluator {
    /** The most of an answer that is read; a Prometheus answer for one series is far smaller. */
    static final int MAX_BODY_BYTES = 256 * 1024;
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final UnaryOperator<String> environment;

    /** @param environment reads an environment variable (null when unset); {@code System::getenv} in the server */
    public HttpProbes(UnaryOperator<String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment is null");
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CompletableFuture<ProbeResult> evaluate(Probe probe) {
        if (probe instanceof Probe.Http http) {
            return http(http);
        }
        if (probe instanceof Probe.Prometheus prometheus) {
            return prometheus(prometheus);
        }
        return CompletableFuture.completedFuture(ProbeResult.fail(probe.name(), "none",
                probe.kind() + " probes are not evaluated over HTTP"));
    }

    private CompletableFuture<ProbeResult> http(Probe.Http probe) {
        long started = System.nanoTime();
        return send(probe.name(), probe.url(), probe.headers(), probe.timeout(), (status, body) -> {
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            String observed = "HTTP " + status + " in " + took.toMillis() + "ms";
            if (!probe.expectStatus().contains(status)) {
                return ProbeResult.fail(probe.name(), observed, "status " + status + " is not one of " + probe.expectStatus());
            }
            if (probe.maxLatency() != null && took.compareTo(probe.maxLatency()) > 0) {
                return ProbeResult.fail(probe.name(), observed, "answered in " + took.toMillis() + "ms, more than maxLatency "
                        + probe.maxLatency().toMillis() + "ms");
            }
            return ProbeResult.pass(probe.name(), observed);
        });
    }

    private CompletableFuture<ProbeResult> prometheus(Probe.Prometheus probe) {
        String base = probe.url().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(probe.query(), StandardCharsets.UTF_8));
        return send(probe.name(), uri, probe.headers(), probe.timeout(),
                (status, body) -> PrometheusAnswer.judge(probe, status, body));
    }

    @FunctionalInterface
    private interface Judge {
        ProbeResult judge(int status, String body) throws Exception;
    }

    private CompletableFuture<ProbeResult> send(String name, URI uri, Map<String, String> headers, Duration timeout, Judge judge) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(timeout);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String value = resolve(header.getValue());
            if (value == null) {
                return CompletableFuture.completedFuture(ProbeResult.fail(name, "none", "header " + header.getKey()
                        + " names an environment variable that is not set"));
            }
            request.header(header.getKey(), value);
        }
        CompletableFuture<ProbeResult> answer;
        try {
            answer = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .thenApply(response -> {
                        try (var in = response.body()) {
                            String body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
                            return judge.judge(response.statusCode(), body);
                        } catch (Exception e) {
                            throw new CompletionException(e);
                        }
                    });
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(ProbeResult.fail(name, "none", "request not possible: " + e.getMessage()));
        }
        // The client's own timeout covers the wait for headers; this bounds the whole evaluation, body included.
        return answer.orTimeout(timeout.toMillis() + 1, TimeUnit.MILLISECONDS)
                .exceptionally(error -> failure(name, uri, timeout, error));
    }

    private static ProbeResult failure(String name, URI uri, Duration timeout, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return ProbeResult.fail(name, "none", "no answer from " + uri.getHost() + " within " + timeout.toMillis() + "ms");
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return ProbeResult.fail(name, "none", "could not ask " + uri.getHost() + ": " + message);
    }

    /** {@code ${env:NAME}} parts replaced by the variable's value; null when one is not set. */
    String resolve(String template) {
        Matcher matcher = ENV.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = environment.apply(matcher.group(1));
            if (value == null) {
                return null;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Reads Prometheus's documented {@code /api/v1/query} answer. */
    static final class PrometheusAnswer {
        private PrometheusAnswer() {
        }

        static ProbeResult judge(Probe.Prometheus probe, int status, String body) throws Exception {
            JsonNode root;
            try {
                root = JSON.readTree(body);
            } catch (Exception e) {
                return ProbeResult.fail(probe.name(), "none", "HTTP " + status + ": the answer is not Prometheus JSON");
            }
            if (root == null || !root.isObject()) {
                return ProbeResult.fail(probe.name(), "none", "HTTP " + status + ": the answer is not Prometheus JSON");
            }
            if (!"success".equals(root.path("status").asText())) {
                return ProbeResult.fail(probe.name(), "none", "query failed (HTTP " + status + "): "
                        + root.path("errorType").asText("?") + ": " + root.path("error").asText(""));
            }
            JsonNode data = root.path("data");
            String type = data.path("resultType").asText();
            JsonNode result = data.path("result");
            JsonNode sample;
            if (type.equals("scalar")) {
                sample = result;
            } else if (type.equals("vector")) {
                if (!result.isArray() || result.isEmpty()) {
                    return ProbeResult.fail(probe.name(), "none", "the query returned no series (an empty result)");
                }
                if (result.size() > 1) {
                    return ProbeResult.fail(probe.name(), result.size() + " series",
                            "the query returned " + result.size() + " series, not one (aggregate it, e.g. with sum())");
                }
                sample = result.get(0).path("value");
            } else {
                return ProbeResult.fail(probe.name(), "none", "the query returned a " + type + ", not one sample "
                        + "(use an instant vector of one series or a scalar)");
            }
            if (!sample.isArray() || sample.size() != 2) {
                return ProbeResult.fail(probe.name(), "none", "the answer has no [time, value] sample");
            }
            double value;
            try {
                value = Double.parseDouble(sample.get(1).asText());
            } catch (NumberFormatException e) {
                return ProbeResult.fail(probe.name(), sample.get(1).asText(), "the sample is not a number");
            }
            String observed = sample.get(1).asText();
            if (Double.isNaN(value)) {
                return ProbeResult.fail(probe.name(), observed, "the query returned NaN");
            }
            if (probe.min() != null && value < probe.min()) {
                return ProbeResult.fail(probe.name(), observed, observed + " is below min " + number(probe.min()));
            }
            if (probe.max() != null && value > probe.max()) {
                return ProbeResult.fail(probe.name(), observed, observed + " is above max " + number(probe.max()));
            }
            return ProbeResult.pass(probe.name(), observed);
        }

        private static String number(double value) {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
        }
    }
}
