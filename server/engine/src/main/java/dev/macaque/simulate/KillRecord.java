package dev.macaque.simulate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One real kill the engine made, with the world's exact recovery and the engine's verdict beside it.
 *
 * @param run            the engine run that made it
 * @param group          the world group's name
 * @param instance       the instance terminated
 * @param at             when, since the world's start
 * @param recoveredAt    when the world logged {@code group.recovered} for the episode the kill belongs to; empty
 *                       when the group was still degraded at the end of the run
 * @param engineVerdict  the engine's verdict for (run, group): {@code RECOVERED}, {@code NOT_RECOVERED}, or
 *                       {@code PENDING} when the run was still verifying at the end of the simulation
 * @param engineRecovery the engine's measured time to recover (rounded up to its polling), when RECOVERED
 */
public record KillRecord(String run, String group, String instance, Duration at, Optional<Duration> recoveredAt,
                         String engineVerdict, Optional<Duration> engineRecovery) {
    public KillRecord {
        Objects.requireNonNull(run, "run");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(recoveredAt, "recoveredAt");
        Objects.requireNonNull(engineVerdict, "engineVerdict");
        Objects.requireNonNull(engineRecovery, "engineRecovery");
    }

    /** The world's exact recovery time in seconds; +∞ when the group never got back within the run. */
    public double recoverySeconds() {
        return recoveredAt.map(r -> r.minus(at).toNanos() / 1e9).orElse(Double.POSITIVE_INFINITY);
    }
}
