package dev.macaque.engine;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The server-wide stop conditions ({@code safety.stopConditions}): probes of the service that, while one fails, hold
 * every termination of every run and schedule ({@link RefusalReason#STOP_CONDITION_FAILING}). Read before each
 * termination from the latest evaluation, so a decision never waits for a probe.
 */
@FunctionalInterface
public interface StopConditions {
    /** The first failing condition in the configuration's order, or empty when every one passes. */
    Optional<Failing> failing();

    /** No stop conditions. */
    StopConditions NONE = Optional::empty;

    /**
     * @param name     the probe's name
     * @param observed what its latest evaluation saw
     * @param detail   why it fails
     * @param since    when it started failing
     */
    record Failing(String name, String observed, String detail, Instant since) {
        public Failing {
            Objects.requireNonNull(name, "name");
        }
    }
}
