package dev.macaque.engine.probe;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * One steady-state check of the service an experiment disturbs: the closed set of probe kinds. Read by
 * {@link ProbeParser}; evaluated by a {@link ProbeEvaluator}.
 *
 * <p>Header values may name an environment variable ({@code ${env:SHOP_TOKEN}}); they are resolved only when the
 * request is made and are never shown: {@link #toString()} and {@link #maskedHeaders} print {@value #MASK}.
 */
public sealed interface Probe {
    /** What every view of a header value shows instead of it. */
    String MASK = "***";

    String name();

    /** The longest an evaluation may take; it fails when no answer came within it. */
    Duration timeout();

    /** The probe's kind as the spec names it: {@code http}, {@code prometheus} or {@code service}. */
    String kind();

    /** Header names with every value masked: what any view of a spec may show. */
    static Map<String, String> maskedHeaders(Map<String, String> headers) {
        return headers.keySet().stream().collect(Collectors.toMap(k -> k, k -> MASK, (a, b) -> a, TreeMap::new));
    }

    /**
     * A GET that passes when the status is one of {@code expectStatus} and the answer came within {@code maxLatency}.
     *
     * @param maxLatency null when only the status counts
     * @param headers    request headers; values may be {@code ${env:NAME}} (never shown)
     */
    record Http(String name, URI url, Set<Integer> expectStatus, Duration timeout, Duration maxLatency,
                Map<String, String> headers) implements Probe {
        public Http {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
            expectStatus = Collections.unmodifiableSet(new TreeSet<>(expectStatus));
            headers = Collections.unmodifiableMap(new TreeMap<>(headers));
        }

        public String kind() {
            return "http";
        }

        @Override
        public String toString() {
            return "Http[name=" + name + ", url=" + url + ", expectStatus=" + expectStatus + ", timeout=" + timeout
                    + ", maxLatency=" + maxLatency + ", headers=" + maskedHeaders(headers) + "]";
        }
    }

    /**
     * An instant query through Prometheus's HTTP API ({@code GET <url>/api/v1/query}); passes when the result is one
     * sample (a one-series vector or a scalar) within [{@code min}, {@code max}]. Empty and multi-series results fail.
     *
     * @param min null for no lower bound
     * @param max null for no upper bound (at least one of the two is set)
     */
    record Prometheus(String name, URI url, String query, Double min, Double max, Duration timeout,
                      Map<String, String> headers) implements Probe {
        public Prometheus {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(query, "query");
            Objects.requireNonNull(timeout, "timeout");
            headers = Collections.unmodifiableMap(new TreeMap<>(headers));
        }

        public String kind() {
            return "prometheus";
        }

        @Override
        public String toString() {
            return "Prometheus[name=" + name + ", url=" + url + ", query=" + query + ", min=" + min + ", max=" + max
                    + ", timeout=" + timeout + ", headers=" + maskedHeaders(headers) + "]";
        }
    }

    /**
     * The simulated world only: passes when the service's success ratio at that virtual instant is at least
     * {@code minSuccessPercent}.
     */
    record Service(String name, String service, double minSuccessPercent) implements Probe {
        public Service {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(service, "service");
        }

        public Duration timeout() {
            return Duration.ZERO;
        }

        public String kind() {
            return "service";
        }
    }
}
