package dev.macaque.simulated;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A stretch during which a service served less than its offered load: its own healthy capacity, or that of a
 * service it depends on (transitively), was below the load. The request totals are the world's exact integrals over
 * the stretch.
 *
 * @param service          the service that served less than its load
 * @param from             when the stretch began, since the world's start
 * @param to               when every request was served again; empty while the stretch lasts
 * @param culprit          the overloaded service in its dependency closure when it began (itself, or a dependency),
 *                         the earliest overloaded one first
 * @param offeredRequests  requests offered during the stretch (up to now while it lasts)
 * @param servedRequests   requests served during the stretch
 */
public record Shortfall(String service, Duration from, Optional<Duration> to, String culprit, double offeredRequests,
                        double servedRequests) {
    public Shortfall {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(culprit, "culprit");
    }

    /** Share of the offered requests not served, in percent (0 when nothing was offered). */
    public double unservedPercent() {
        return offeredRequests > 0 ? 100 * (offeredRequests - servedRequests) / offeredRequests : 0;
    }

    /** Share of the offered requests served, in percent. */
    public double servedPercent() {
        return 100 - unservedPercent();
    }
}
