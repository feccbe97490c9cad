package dev.macaque.plugin;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.ProviderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Whether each created provider instance can list its groups now: a provider created without credentials is
 * created fine and fails at its first call, which readiness and {@code GET /api/v1/providers} must show.
 *
 * <p>Bounded: one probe ({@code listGroups}) per provider at a time on one daemon thread, its answer kept for
 * {@link #FRESH_FOR}; a caller waits at most {@link #WAIT} for it, and a probe still running answers "no answer yet".
 */
public final class ProviderReachability implements AutoCloseable {
    public static final Duration FRESH_FOR = Duration.ofSeconds(30);
    public static final Duration WAIT = Duration.ofSeconds(5);

    /** @param error why it is down; null when up */
    public record Status(boolean up, String error, Instant checkedAt) {
        /** {@code UP}, or {@code DOWN: <reason>}: the readiness check's text. */
        public String text() {
            return up ? "UP" : "DOWN: " + error;
        }
    }

    private record Probe(CompletableFuture<Status> answer, Instant startedAt) {
    }

    private final ProviderInstances instances;
    private final Clock clock;
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "macaque-provider-probe");
        thread.setDaemon(true);
        return thread;
    });

    public ProviderReachability(ProviderInstances instances, Clock clock) {
        this.instances = Objects.requireNonNull(instances, "instances is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** The status of a created provider: a fresh answer, or a new probe's answer within {@link #WAIT}. */
    public Status status(String providerId) {
        CloudProvider provider = instances.ready().get(providerId);
        if (provider == null) {
            ConfiguredProvider configured = instances.byId(providerId).orElse(null);
            return new Status(false, configured == null ? "not configured" : configured.error(), clock.instant());
        }
        Instant now = clock.instant();
        Probe probe = probes.compute(providerId, (id, current) -> {
            boolean stale = current == null || (current.answer().isDone()
                    && Duration.between(current.startedAt(), now).compareTo(FRESH_FOR) >= 0);
            return stale ? new Probe(CompletableFuture.supplyAsync(() -> probe(provider), executor), now) : current;
        });
        try {
            return probe.answer().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Status(false, "listGroups gave no answer within " + WAIT.toSeconds() + "s", now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Status(false, "interrupted while waiting for listGroups", now);
        } catch (java.util.concurrent.ExecutionException e) {
            return new Status(false, "probe failed: " + e.getCause(), now);
        }
    }

    private Status probe(CloudProvider provider) {
        try {
            provider.listGroups(GroupFilter.ALL);
            return new Status(true, null, clock.instant());
        } catch (ProviderException e) {
            return new Status(false, "cannot list groups: " + e.kind() + ": " + e.getMessage(), clock.instant());
        } catch (RuntimeException e) {
            return new Status(false, "cannot list groups: UNEXPECTED: " + e, clock.instant());
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
