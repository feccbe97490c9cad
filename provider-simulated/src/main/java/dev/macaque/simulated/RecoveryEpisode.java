package dev.macaque.simulated;

import java.time.Duration;
import java.util.Optional;

/**
 * A stretch of time during which a group had fewer healthy in-service members than just before it started.
 *
 * @param group          the group's name
 * @param leftService    when the first member left service (since the world's start)
 * @param recovered      when the healthy in-service count was back at {@code healthyBefore}; empty while it is not
 * @param healthyBefore  the healthy in-service count just before the episode began
 */
public record RecoveryEpisode(String group, Duration leftService, Optional<Duration> recovered, int healthyBefore) {

    public boolean isRecovered() {
        return recovered.isPresent();
    }

    /** Recovery time in seconds. */
    public double seconds() {
        return recovered.orElseThrow(() -> new IllegalStateException("group " + group + " has not recovered from the episode at "
                + leftService)).minus(leftService).toNanos() / 1e9;
    }
}
