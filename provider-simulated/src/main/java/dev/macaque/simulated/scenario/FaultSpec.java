package dev.macaque.simulated.scenario;

import java.time.Duration;
import java.util.Objects;

/** A fault injected by the world itself at a fixed virtual time (chaos experiments are the engine's). */
public sealed interface FaultSpec {

    /** When it starts, since the world's start. */
    Duration at();

    /**
     * Every member in {@code zone} of {@code region} leaves service (it is terminated) and no launch succeeds in that
     * zone until {@code at + duration}; groups relaunch in their other zones.
     */
    record ZoneOutage(String region, String zone, Duration at, Duration duration) implements FaultSpec {
        public ZoneOutage {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(zone, "zone");
            requireTimes(at, duration);
        }
    }

    /** Every launch of {@code group} fails (insufficient capacity) until {@code at + duration}. */
    record LaunchCapacityError(String group, Duration at, Duration duration) implements FaultSpec {
        public LaunchCapacityError {
            Objects.requireNonNull(group, "group");
            requireTimes(at, duration);
        }
    }

    /** Terminates one healthy in-service member of {@code group}, picked with the group's random stream. */
    record Termination(String group, Duration at) implements FaultSpec {
        public Termination {
            Objects.requireNonNull(group, "group");
            requireTimes(at, Duration.ZERO);
        }
    }

    private static void requireTimes(Duration at, Duration duration) {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(duration, "duration");
        if (at.isNegative() || duration.isNegative()) {
            throw new IllegalArgumentException("fault times must be >= 0, got at=" + at + " duration=" + duration);
        }
    }
}
