package dev.macaque.cloudcalls;

import dev.macaque.spi.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code macaque_cloud_calls_total{provider,operation,outcome}}: every SPI call to a provider (each retry is a call),
 * {@code outcome} {@code ok} or the failure's kind in lower case, or {@code budget_exhausted} for a call that failed
 * because the instance's call budget stayed used up; {@code macaque_cloud_requests_total{provider}}: the HTTP requests
 * the call budget admitted to the cloud (only for providers that gate each request, SPI 1.4);
 * {@code macaque_cloud_throttled_total{provider}}: the calls the cloud answered with throttling, plus the requests or
 * calls the call budget refused.
 */
public final class CloudCallMetrics {
    public static final String CALLS = "macaque.cloud.calls";
    public static final String THROTTLED = "macaque.cloud.throttled";
    public static final String REQUESTS = "macaque.cloud.requests";
    public static final String OK = "ok";
    public static final String BUDGET_EXHAUSTED = "budget_exhausted";

    private final MeterRegistry registry;

    public CloudCallMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry is null");
    }

    /** Metrics nobody scrapes (command-line tools, tests that do not look). */
    public static CloudCallMetrics unscraped() {
        return new CloudCallMetrics(new SimpleMeterRegistry());
    }

    void succeeded(String provider, String operation) {
        calls(provider, operation, OK).increment();
    }

    void failed(String provider, String operation, ProviderException e) {
        calls(provider, operation, outcome(e.kind())).increment();
        if (e.kind() == ProviderException.Kind.THROTTLED) {
            throttledCounter(provider).increment();
        }
    }

    /** An SPI call that failed for want of a budget permit (counted as throttled where the permit was refused). */
    void refused(String provider, String operation) {
        calls(provider, operation, BUDGET_EXHAUSTED).increment();
    }

    /** The call budget refused a request (or an SPI call's permits). */
    void budgetRefused(String provider) {
        throttledCounter(provider).increment();
    }

    /** The call budget admitted one HTTP request to the cloud. */
    void requestAdmitted(String provider) {
        Counter.builder(REQUESTS).description("HTTP requests to the cloud admitted by the provider instance's call budget")
                .tag("provider", provider).register(registry).increment();
    }

    /** The outcome label of a failure of {@code kind}. */
    public static String outcome(ProviderException.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The count so far for one label set; 0 when never counted. */
    public double count(String provider, String operation, String outcome) {
        Counter counter = registry.find(CALLS).tags("provider", provider, "operation", operation, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    public double throttled(String provider) {
        Counter counter = registry.find(THROTTLED).tags("provider", provider).counter();
        return counter == null ? 0 : counter.count();
    }

    /** HTTP requests admitted so far for {@code provider}. */
    public double requests(String provider) {
        Counter counter = registry.find(REQUESTS).tags("provider", provider).counter();
        return counter == null ? 0 : counter.count();
    }

    private Counter throttledCounter(String provider) {
        return Counter.builder(THROTTLED).description("Cloud calls the cloud answered with throttling, and requests or"
                + " calls the call budget refused").tag("provider", provider).register(registry);
    }

    private Counter calls(String provider, String operation, String outcome) {
        return Counter.builder(CALLS).description("Calls to cloud providers, each retry included")
                .tags("provider", provider, "operation", operation, "outcome", outcome).register(registry);
    }
}
