package dev.macaque.chaosmonkey;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Never add chaos to an ongoing incident: before a scheduled kill, the configured endpoint must answer 2xx, and (with
 * {@code providerHealth}) the targeted group must be at full health — a group already below its desired capacity is
 * part of an incident, or still recovering. A failed check postpones the kill.
 */
public final class OutageCheck {
    private final String url;
    private final Duration timeout;
    private final boolean providerHealth;
    private final Supplier<Map<String, CloudProvider>> providers;
    private final HttpClient http;
    private final dev.macaque.engine.StopConditions stopConditions;

    public OutageCheck(String url, Duration timeout, boolean providerHealth, Supplier<Map<String, CloudProvider>> providers) {
        this(url, timeout, providerHealth, providers, dev.macaque.engine.StopConditions.NONE);
    }

    /** @param stopConditions the server-wide stop conditions: while one fails, every planned kill is postponed */
    public OutageCheck(String url, Duration timeout, boolean providerHealth, Supplier<Map<String, CloudProvider>> providers,
                       dev.macaque.engine.StopConditions stopConditions) {
        this.stopConditions = Objects.requireNonNull(stopConditions, "stopConditions is null");
        this.url = url;
        this.timeout = Objects.requireNonNull(timeout, "timeout is null");
        this.providerHealth = providerHealth;
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Why {@code group} must not be killed now, or empty when nothing suggests an incident. */
    public Optional<String> incident(GroupRef group) {
        Optional<dev.macaque.engine.StopConditions.Failing> failing = stopConditions.failing();
        if (failing.isPresent()) {
            dev.macaque.engine.StopConditions.Failing condition = failing.get();
            return Optional.of("stop condition " + condition.name() + " is failing (observed: " + condition.observed()
                    + (condition.detail().isEmpty() ? "" : "; " + condition.detail()) + ", since " + condition.since() + ")");
        }
        if (url != null) {
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status < 200 || status > 299) {
                    return Optional.of("outage check " + url + " answered HTTP " + status);
                }
            } catch (IOException e) {
                return Optional.of("outage check " + url + " did not answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("outage check " + url + " interrupted");
            }
        }
        if (providerHealth) {
            CloudProvider provider = providers.get().get(group.provider());
            if (provider == null) {
                return Optional.of("provider " + group.provider() + " is not ready");
            }
            try {
                GroupHealth health = provider.health(group);
                if (health.healthyInService() < health.desiredCapacity()) {
                    return Optional.of("group " + group + " has " + health.healthyInService() + " of " + health.desiredCapacity()
                            + " desired instances healthy: it is degraded already");
                }
            } catch (RuntimeException e) {
                return Optional.of("health of group " + group + " could not be read: " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
