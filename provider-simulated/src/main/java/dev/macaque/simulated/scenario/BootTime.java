package dev.macaque.simulated.scenario;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a launched instance stays {@code PENDING}: fixed when {@code min == max}, otherwise uniform in
 * [min, max] (nanosecond resolution), drawn from the group's random stream.
 */
public record BootTime(Duration min, Duration max) {
    public static final BootTime DEFAULT = fixed(Duration.ofSeconds(60));

    public BootTime {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.isNegative() || max.compareTo(min) < 0) {
            throw new IllegalArgumentException("boot time needs 0 <= min <= max, got min=" + min + " max=" + max);
        }
    }

    public static BootTime fixed(Duration duration) {
        return new BootTime(duration, duration);
    }

    public boolean isFixed() {
        return min.equals(max);
    }
}
