package dev.macaque.cloudcalls;

import dev.macaque.spi.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code macaque_cloud_calls_total{provider,operation,outcome}}: every call that reached a provider (each retry is a
 * call), {@code outcome} {@code ok} or the failure's kind in lower case, or {@code budget_exhausted} for a call that
 * never went out because the instance's call budget stayed used up; {@code macaque_cloud_throttled_total{provider}}:
 * the calls the cloud answered with throttling.
 */
public final class CloudCallMetrics {
    public static final String CALLS = "macaque.cloud.calls";
    public static final String THROTTLED = "macaque.cloud.throttled";
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
            Counter.builder(THROTTLED).description("Cloud calls the cloud answered with throttling")
                    .tag("provider", provider).register(registry).increment();
        }
    }

    void refused(String provider, String operation) {
        calls(provider, operation, BUDGET_EXHAUSTED).increment();
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

    private Counter calls(String provider, String operation, String outcome) {
        return Counter.builder(CALLS).description("Calls to cloud providers, each retry included")
                .tags("provider", provider, "operation", operation, "outcome", outcome).register(registry);
    }
}
