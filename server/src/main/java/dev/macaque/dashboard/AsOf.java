package dev.macaque.dashboard;

import java.time.Duration;
import java.time.Instant;

/**
 * How old what a page shows is: when the oldest of it was read from the cloud, and how long before the page was
 * rendered. Rendered by {@link Format#asOf(AsOf)} as "as of 12 s ago".
 *
 * @param observedAt when it was read, or null when nothing was read
 * @param age        how long before rendering, or null with {@code observedAt}
 */
public record AsOf(Instant observedAt, Duration age) {
    public static AsOf of(Instant observedAt, Instant now) {
        return observedAt == null ? new AsOf(null, null)
                : new AsOf(observedAt, Duration.between(observedAt, now).isNegative() ? Duration.ZERO : Duration.between(observedAt, now));
    }
}
