package dev.macaque.simulated.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A group of identical instances that keeps {@code desired} members, like an Auto Scaling group.
 *
 * @param name              unique in the world; instance ids are {@code <name>-0001}, {@code <name>-0002}, …
 * @param region            the region, e.g. {@code us-east-1}
 * @param zones             zone names within the region; members are spread over them
 * @param desired           how many members the group keeps
 * @param bootTime          how long a launched member stays {@code PENDING}
 * @param replacementDelay  delay between a member leaving service (or a failed launch) and the next launch
 * @param healthCheckGrace  time a booted member is {@code IN_SERVICE} but not yet healthy
 * @param terminationTime   time a member stays {@code TERMINATING} before it is {@code TERMINATED}
 * @param launchFailureRate probability in [0, 1] that a launch fails (and is retried after {@code replacementDelay})
 * @param tags              the group's tags, sorted by key
 */
public record GroupSpec(String name, String region, List<String> zones, int desired, BootTime bootTime,
                        Duration replacementDelay, Duration healthCheckGrace, Duration terminationTime,
                        double launchFailureRate, Map<String, String> tags) {

    public static final Duration DEFAULT_REPLACEMENT_DELAY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEALTH_CHECK_GRACE = Duration.ZERO;
    public static final Duration DEFAULT_TERMINATION_TIME = Duration.ZERO;

    public GroupSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(region, "region");
        zones = List.copyOf(zones);
        if (zones.isEmpty()) {
            throw new IllegalArgumentException("group " + name + " needs at least one zone");
        }
        if (desired < 0) {
            throw new IllegalArgumentException("group " + name + ": desired must be >= 0, was " + desired);
        }
        Objects.requireNonNull(bootTime, "bootTime");
        requireNonNegative(name, "replacementDelay", replacementDelay);
        requireNonNegative(name, "healthCheckGrace", healthCheckGrace);
        requireNonNegative(name, "terminationTime", terminationTime);
        if (!(launchFailureRate >= 0 && launchFailureRate <= 1)) {
            throw new IllegalArgumentException("group " + name + ": launchFailureRate must be in [0, 1], was " + launchFailureRate);
        }
        tags = SortedTags.of(tags);
    }

    /** A group with the documented defaults for everything but identity, size and boot time. */
    public static GroupSpec of(String name, String region, List<String> zones, int desired, BootTime bootTime,
                               Map<String, String> tags) {
        return new GroupSpec(name, region, zones, desired, bootTime, DEFAULT_REPLACEMENT_DELAY,
                DEFAULT_HEALTH_CHECK_GRACE, DEFAULT_TERMINATION_TIME, 0, tags);
    }

    public GroupSpec withReplacementDelay(Duration delay) {
        return new GroupSpec(name, region, zones, desired, bootTime, delay, healthCheckGrace, terminationTime, launchFailureRate, tags);
    }

    public GroupSpec withHealthCheckGrace(Duration grace) {
        return new GroupSpec(name, region, zones, desired, bootTime, replacementDelay, grace, terminationTime, launchFailureRate, tags);
    }

    public GroupSpec withLaunchFailureRate(double rate) {
        return new GroupSpec(name, region, zones, desired, bootTime, replacementDelay, healthCheckGrace, terminationTime, rate, tags);
    }

    private static void requireNonNegative(String group, String field, Duration value) {
        Objects.requireNonNull(value, field);
        if (value.isNegative()) {
            throw new IllegalArgumentException("group " + group + ": " + field + " must be >= 0, was " + value);
        }
    }
}
