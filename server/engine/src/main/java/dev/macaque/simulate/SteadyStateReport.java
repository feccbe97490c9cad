package dev.macaque.simulate;

import java.time.Duration;
import java.util.List;

/**
 * What the experiments' steady-state probes saw in a simulation: each run's probe timeline and where it halted, and
 * what the halts avoided compared with the same seed without probes (the same scenario with every experiment's
 * {@code steadyState} and {@code pacing} removed).
 *
 * @param runs       the runs that had probes, in start order
 * @param comparison per service, scenario order; empty when no experiment had probes
 */
public record SteadyStateReport(List<ProbeTimeline> runs, List<Comparison> comparison) {
    /** Evaluations kept per run; the rest are counted. */
    public static final int MAX_EVALUATIONS_PER_RUN = 500;
    public static final SteadyStateReport NONE = new SteadyStateReport(List.of(), List.of());

    public SteadyStateReport {
        runs = List.copyOf(runs);
        comparison = List.copyOf(comparison);
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }

    /** @param at virtual time from the start of the simulation */
    public record Evaluation(Duration at, String probe, String phase, boolean passed, String observed) {
    }

    /**
     * @param state     the run's end state (HALTED, NOT_STEADY, COMPLETED, ...)
     * @param haltedAt  when a probe stopped the run (halt or not steady), virtual time from the start; null otherwise
     * @param haltedBy  the probe that stopped it, or null
     * @param observed  what that probe observed, or null
     * @param spared    victims the stop left alive (never terminated)
     * @param omitted   evaluations beyond {@value #MAX_EVALUATIONS_PER_RUN}, counted only
     */
    public record ProbeTimeline(String run, String experiment, String state, List<Evaluation> evaluations, long omitted,
                                Duration haltedAt, String haltedBy, String observed, int spared) {
        public ProbeTimeline {
            evaluations = List.copyOf(evaluations);
        }
    }

    /**
     * One service with and without the probes, same seed.
     *
     * @param unservedRequests            offered minus served requests over the simulation, with the probes
     * @param unservedWithoutProbes       the same without them
     */
    public record Comparison(String service, double availabilityPercent, double availabilityWithoutProbes,
                             double unservedRequests, double unservedWithoutProbes) {
        /** Requests the probes' halts kept served (negative: the probes cost some). */
        public double avoidedUnservedRequests() {
            return unservedWithoutProbes - unservedRequests;
        }
    }
}
