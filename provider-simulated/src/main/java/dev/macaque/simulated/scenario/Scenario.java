package dev.macaque.simulated.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A parsed scenario file: the world (groups, services, faults), how long to run it and with which seed, plus the
 * engine's raw {@code chaos} entries and the report's {@code hypotheses}.
 *
 * @param source where it was read from (a path or resource name), for error messages
 * @param probes the raw {@code probes} mapping (probe names of the experiments bound to simulated services), kept for
 *               the engine to validate; null when the file has none
 */
public record Scenario(String name, long seed, Duration duration, List<GroupSpec> groups, List<ServiceSpec> services,
                       List<FaultSpec> faults, List<ChaosEntry> chaos, List<Hypothesis> hypotheses, String source,
                       ChaosEntry probes) {

    /** A scenario without probe bindings. */
    public Scenario(String name, long seed, Duration duration, List<GroupSpec> groups, List<ServiceSpec> services,
                    List<FaultSpec> faults, List<ChaosEntry> chaos, List<Hypothesis> hypotheses, String source) {
        this(name, seed, duration, groups, services, faults, chaos, hypotheses, source, null);
    }

    public Scenario {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(duration, "duration");
        groups = List.copyOf(groups);
        services = List.copyOf(services);
        faults = List.copyOf(faults);
        chaos = List.copyOf(chaos);
        hypotheses = List.copyOf(hypotheses);
        Objects.requireNonNull(source, "source");
    }

    /** The same scenario with another seed (the {@code --seed} override). */
    public Scenario withSeed(long newSeed) {
        return new Scenario(name, newSeed, duration, groups, services, faults, chaos, hypotheses, source, probes);
    }
}
