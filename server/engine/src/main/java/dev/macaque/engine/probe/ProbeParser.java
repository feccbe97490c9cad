package dev.macaque.engine.probe;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.text.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * Reads a {@code steadyState} block (an experiment's, or the server's {@code safety.stopConditions}), reporting every
 * error to the caller's sink as (field path, message), like the rest of the spec:
 *
 * <pre>{@code
 * "steadyState": {
 *   "probes": [
 *     {"name": "checkout-ok", "http": {"url": "https://shop.example/health", "expectStatus": [200], "timeout": "2s",
 *                                      "maxLatency": "500ms", "headers": {"Authorization": "${env:SHOP_TOKEN}"}}},
 *     {"name": "error-rate", "prometheus": {"url": "http://prometheus:9090", "query": "sum(rate(x[1m]))", "max": 5}},
 *     {"name": "api-served", "service": {"name": "api", "minSuccessPercent": 99}}],
 *   "every": "10s",
 *   "tolerance": 2 }
 * }</pre>
 */
public final class ProbeParser {
    public static final int MAX_PROBES = 20;
    public static final int MAX_HEADERS = 20;
    public static final int MAX_QUERY_LENGTH = 4096;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
    public static final Duration MAX_EVERY = Duration.ofHours(1);
    public static final int MAX_TOLERANCE = 100;
    private static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}";

    private final BiConsumer<String, String> errors;

    /** @param errors told (path, message) of each error; the caller decides how to report them all at once */
    public ProbeParser(BiConsumer<String, String> errors) {
        this.errors = errors;
    }

    /** The block at {@code path}; {@link SteadyState#NONE} when absent or wrong (the error is reported). */
    public SteadyState steadyState(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return SteadyState.NONE;
        }
        if (!node.isObject()) {
            errors.accept(path, "must be an object with probes, every and tolerance, was " + describe(node));
            return SteadyState.NONE;
        }
        unknownFields(node, path, Set.of("probes", "every", "tolerance"));
        blockPath = path;
        Duration every = duration(node, "every", path, SteadyState.DEFAULT_EVERY, MAX_EVERY, true);
        int tolerance = SteadyState.DEFAULT_TOLERANCE;
        JsonNode toleranceNode = node.get("tolerance");
        if (toleranceNode != null && !toleranceNode.isNull()) {
            if (!toleranceNode.isIntegralNumber() || toleranceNode.asLong() < 1 || toleranceNode.asLong() > MAX_TOLERANCE) {
                errors.accept(path + ".tolerance", "must be a whole number of consecutive failures in 1.." + MAX_TOLERANCE
                        + ", was " + describe(toleranceNode));
            } else {
                tolerance = toleranceNode.intValue();
            }
        }
        List<Probe> probes = new ArrayList<>();
        JsonNode list = node.get("probes");
        if (list == null || list.isNull() || (list.isArray() && list.isEmpty())) {
            errors.accept(path + ".probes", "is required: at least one probe, e.g. {\"name\": \"health\", \"http\": "
                    + "{\"url\": \"https://shop.example/health\"}}");
        } else if (!list.isArray()) {
            errors.accept(path + ".probes", "must be a list of probes, was " + describe(list));
        } else if (list.size() > MAX_PROBES) {
            errors.accept(path + ".probes", "has " + list.size() + " probes; at most " + MAX_PROBES + " are allowed");
        } else {
            Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Probe probe = probe(list.get(i), path + ".probes[" + i + "]", every);
                if (probe != null && !names.add(probe.name())) {
                    errors.accept(path + ".probes[" + i + "].name", "'" + probe.name() + "' is used by another probe; "
                            + "names must be unique");
                } else if (probe != null) {
                    probes.add(probe);
                }
            }
        }
        if (probes.isEmpty()) {
            return SteadyState.NONE;
        }
        return new SteadyState(probes, every, tolerance);
    }

    /** {@code pacing.between}: the pause between two kills; zero when absent. */
    public Duration pacing(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return Duration.ZERO;
        }
        if (!node.isObject()) {
            errors.accept(path, "must be an object such as {\"between\": \"1m\"}, was " + describe(node));
            return Duration.ZERO;
        }
        unknownFields(node, path, Set.of("between"));
        return duration(node, "between", path, Duration.ZERO, MAX_EVERY, false);
    }

    private Probe probe(JsonNode node, String path, Duration every) {
        if (!node.isObject()) {
            errors.accept(path, "must be an object with a name and one of http, prometheus, service, was " + describe(node));
            return null;
        }
        unknownFields(node, path, Set.of("name", "http", "prometheus", "service"));
        String name = null;
        JsonNode nameNode = node.get("name");
        if (nameNode == null || nameNode.isNull()) {
            errors.accept(path + ".name", "is required");
        } else if (!nameNode.isTextual() || !nameNode.asText().matches(NAME_PATTERN)) {
            errors.accept(path + ".name", "must be 1-64 letters, digits, '.', '_' or '-', was " + describe(nameNode));
        } else {
            name = nameNode.asText();
        }
        List<String> kinds = new ArrayList<>();
        for (String kind : List.of("http", "prometheus", "service")) {
            if (node.hasNonNull(kind)) {
                kinds.add(kind);
            }
        }
        if (kinds.size() != 1) {
            errors.accept(path, kinds.isEmpty() ? "needs one of http, prometheus, service"
                    : "has " + String.join(" and ", kinds) + "; a probe is exactly one of http, prometheus, service");
            return null;
        }
        String kind = kinds.get(0);
        JsonNode body = node.get(kind);
        String at = path + "." + kind;
        if (!body.isObject()) {
            errors.accept(at, "must be an object, was " + describe(body));
            return null;
        }
        int before = errorCount;
        Probe probe;
        if (kind.equals("http")) {
            probe = http(name, body, at, every);
        } else if (kind.equals("prometheus")) {
            probe = prometheus(name, body, at, every);
        } else {
            probe = service(name, body, at);
        }
        return name == null || errorCount != before ? null : probe;
    }

    private int errorCount;
    /** Where the block being read is ({@code steadyState}, {@code safety.stopConditions}), for messages. */
    private String blockPath = "steadyState";

    private void error(String path, String message) {
        errorCount++;
        errors.accept(path, message);
    }

    private Probe http(String name, JsonNode node, String path, Duration every) {
        unknownFields(node, path, Set.of("url", "expectStatus", "timeout", "maxLatency", "headers"));
        URI url = url(node, path);
        Set<Integer> expect = new TreeSet<>(Set.of(200));
        JsonNode expectNode = node.get("expectStatus");
        if (expectNode != null && !expectNode.isNull()) {
            expect.clear();
            if (!expectNode.isArray() || expectNode.isEmpty()) {
                error(path + ".expectStatus", "must be a non-empty list of HTTP status codes, was " + describe(expectNode));
            } else {
                for (int i = 0; i < expectNode.size(); i++) {
                    JsonNode code = expectNode.get(i);
                    if (!code.isIntegralNumber() || code.asInt() < 100 || code.asInt() > 599) {
                        error(path + ".expectStatus[" + i + "]", "must be an HTTP status code in 100..599, was " + describe(code));
                    } else {
                        expect.add(code.asInt());
                    }
                }
            }
        }
        Duration timeout = timeout(node, path, every);
        Duration maxLatency = null;
        if (node.hasNonNull("maxLatency")) {
            maxLatency = duration(node, "maxLatency", path, null, MAX_TIMEOUT, true);
            if (maxLatency != null && maxLatency.compareTo(timeout) > 0) {
                error(path + ".maxLatency", "must be at most the timeout (" + Durations.format(timeout) + "), was "
                        + node.get("maxLatency").asText());
            }
        }
        Map<String, String> headers = headers(node, path);
        return url == null ? null : new Probe.Http(name == null ? "?" : name, url, expect, timeout, maxLatency, headers);
    }

    private Probe prometheus(String name, JsonNode node, String path, Duration every) {
        unknownFields(node, path, Set.of("url", "query", "min", "max", "timeout", "headers"));
        URI url = url(node, path);
        String query = null;
        JsonNode queryNode = node.get("query");
        if (queryNode == null || queryNode.isNull()) {
            error(path + ".query", "is required: a PromQL expression with one result, e.g. sum(rate(http_requests_total[1m]))");
        } else if (!queryNode.isTextual() || queryNode.asText().isBlank()) {
            error(path + ".query", "must be a non-blank PromQL expression, was " + describe(queryNode));
        } else if (queryNode.asText().length() > MAX_QUERY_LENGTH) {
            error(path + ".query", "is " + queryNode.asText().length() + " characters; at most " + MAX_QUERY_LENGTH);
        } else {
            query = queryNode.asText();
        }
        Double min = number(node, "min", path);
        Double max = number(node, "max", path);
        if (!node.hasNonNull("min") && !node.hasNonNull("max")) {
            error(path, "needs min, max or both: the bounds the query's value must stay within");
        } else if (min != null && max != null && min > max) {
            error(path + ".min", "must be at most max (" + max + "), was " + min);
        }
        Duration timeout = timeout(node, path, every);
        Map<String, String> headers = headers(node, path);
        return url == null || query == null ? null
                : new Probe.Prometheus(name == null ? "?" : name, url, query, min, max, timeout, headers);
    }

    private Probe service(String name, JsonNode node, String path) {
        unknownFields(node, path, Set.of("name", "minSuccessPercent"));
        JsonNode service = node.get("name");
        String serviceName = null;
        if (service == null || !service.isTextual() || service.asText().isBlank()) {
            error(path + ".name", "is required: the simulated service whose success ratio is read");
        } else {
            serviceName = service.asText();
        }
        Double percent = number(node, "minSuccessPercent", path);
        if (!node.hasNonNull("minSuccessPercent")) {
            error(path + ".minSuccessPercent", "is required, e.g. 99");
        } else if (percent != null && (percent < 0 || percent > 100)) {
            error(path + ".minSuccessPercent", "must be in 0..100, was " + percent);
        }
        return serviceName == null || percent == null ? null : new Probe.Service(name == null ? "?" : name, serviceName, percent);
    }

    private URI url(JsonNode node, String path) {
        JsonNode urlNode = node.get("url");
        if (urlNode == null || urlNode.isNull()) {
            error(path + ".url", "is required, e.g. https://shop.example/health");
            return null;
        }
        try {
            URI url = new URI(urlNode.asText());
            if (!urlNode.isTextual() || url.getScheme() == null || url.getHost() == null
                    || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
                error(path + ".url", "must be an absolute http or https URL, was " + describe(urlNode));
                return null;
            }
            if (url.getUserInfo() != null) {
                error(path + ".url", "must not carry credentials; put them in headers from an environment variable, "
                        + "e.g. {\"Authorization\": \"${env:SHOP_TOKEN}\"}");
                return null;
            }
            return url;
        } catch (URISyntaxException e) {
            error(path + ".url", "is not a URL: " + e.getMessage());
            return null;
        }
    }

    private Duration timeout(JsonNode node, String path, Duration every) {
        Duration timeout = duration(node, "timeout", path, DEFAULT_TIMEOUT, MAX_TIMEOUT, true);
        if (timeout.compareTo(every) > 0 && node.hasNonNull("timeout")) {
            // A probe is never called more often than `every`: an evaluation must be over before the next one.
            error(path + ".timeout", "must be at most " + blockPath + ".every (" + Durations.format(every) + "), was "
                    + node.get("timeout").asText());
        }
        return timeout.compareTo(every) > 0 ? every : timeout;
    }

    private Map<String, String> headers(JsonNode node, String path) {
        Map<String, String> headers = new TreeMap<>();
        JsonNode headersNode = node.get("headers");
        if (headersNode == null || headersNode.isNull()) {
            return headers;
        }
        if (!headersNode.isObject()) {
            error(path + ".headers", "must be an object of header names to values, was " + describe(headersNode));
            return headers;
        }
        if (headersNode.size() > MAX_HEADERS) {
            error(path + ".headers", "has " + headersNode.size() + " headers; at most " + MAX_HEADERS);
            return headers;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = headersNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> header = it.next();
            if (!header.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
                error(path + ".headers", "'" + header.getKey() + "' is not a valid header name");
            } else if (!header.getValue().isTextual()) {
                // The value is never echoed: it may be a secret.
                error(path + ".headers." + header.getKey(), "must be a string (a value or ${env:NAME})");
            } else {
                headers.put(header.getKey(), header.getValue().asText());
            }
        }
        return headers;
    }

    private Double number(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            error(path + "." + field, "must be a number, was " + describe(value));
            return null;
        }
        return value.doubleValue();
    }

    private Duration duration(JsonNode node, String field, String path, Duration fallback, Duration max, boolean positive) {
        JsonNode value = node.get(field);
        String at = path + "." + field;
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            error(at, "must be a duration string such as 500ms, 10s or 1m, was " + describe(value));
            return fallback;
        }
        try {
            Duration parsed = Durations.parse(value.asText());
            if (positive && parsed.isZero()) {
                error(at, "must be > 0, was " + value.asText());
                return fallback;
            }
            if (parsed.compareTo(max) > 0) {
                error(at, "must be at most " + Durations.format(max) + ", was " + value.asText());
                return fallback;
            }
            return parsed;
        } catch (IllegalArgumentException e) {
            error(at, e.getMessage());
            return fallback;
        }
    }

    private void unknownFields(JsonNode object, String path, Set<String> known) {
        Set<String> unknown = new LinkedHashSet<>();
        object.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                unknown.add(field);
            }
        });
        for (String field : unknown) {
            error(path + "." + field, "is not a known field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
    }

    private static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "\"" + node.asText() + "\"";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.toString();
    }
}
