package dev.macaque.engine.probe;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What "the service is fine" means for an experiment: every probe passes before the first kill; during the run each
 * is evaluated {@code every}, and {@code tolerance} consecutive failures of any one halt the run; after the last kill
 * the run is steady again once every probe passes.
 *
 * @param probes    at least one; names unique
 * @param every     the time between two evaluations of the probes (a probe is never evaluated more often)
 * @param tolerance consecutive failures of one probe that halt the run (1 = the first failure)
 */
public record SteadyState(List<Probe> probes, Duration every, int tolerance) {
    public static final Duration DEFAULT_EVERY = Duration.ofSeconds(10);
    public static final int DEFAULT_TOLERANCE = 1;
    /** No probes: the run watches only its groups' instance counts. */
    public static final SteadyState NONE = new SteadyState(List.of(), DEFAULT_EVERY, DEFAULT_TOLERANCE);

    public SteadyState {
        probes = List.copyOf(probes);
        Objects.requireNonNull(every, "every");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("steadyState.every must be > 0, was " + every);
        }
        if (tolerance < 1) {
            throw new IllegalArgumentException("steadyState.tolerance must be >= 1, was " + tolerance);
        }
    }

    public boolean isEmpty() {
        return probes.isEmpty();
    }
}
