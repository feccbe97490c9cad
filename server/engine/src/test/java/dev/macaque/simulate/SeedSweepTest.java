package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.simulate.SeedSweep.SeedRange;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed sweeps: deterministic whatever the thread count, and their statistics are those of the single runs. */
class SeedSweepTest {
    /** A random boot time decides whether db recovers before its overloaded survivor crashes: seeds differ. */
    private static final Scenario SCENARIO = ScenarioParser.parse("""
            name: sweep
            duration: 6h
            groups:
              - {name: db, region: r1, zones: [a, b], desired: 2, bootTime: {min: 20s, max: 200s}, tags: {macaque-enabled: "true"}}
            services:
              - {name: db, group: db, capacityPerInstance: 100, load: 150, overloadCrashAfter: 90s}
            chaos:
              - {at: 1h, experiment: {name: kill-db, selection: {mode: count, value: 1}}}
            hypotheses:
              - "availability(db) >= 99.5"
              - "kills(db) == 1"
            """, "sweep.yaml");

    @Test
    void theSameRangeGivesByteIdenticalSweepJsonOnOneThreadOrMany() {
        String one = SweepPages.json(SeedSweep.run(SCENARIO, SeedRange.parse("1..12"), 1, n -> { }));
        String many = SweepPages.json(SeedSweep.run(SCENARIO, SeedRange.parse("1..12"), 4, n -> { }));

        assertThat(many).isEqualTo(one);
        assertThat(one).contains("\"seeds\":\"1..12\"", "\"runs\":12", "\"replay\":\"macaque simulate sweep.yaml --seed ");
    }

    @Test
    void passRatesAndTheWorstSeedAreThoseOfTheSingleRuns() {
        SweepReport sweep = SeedSweep.run(SCENARIO, SeedRange.parse("1..12"), 3, n -> { });

        List<SimulationReport> singles = java.util.stream.LongStream.rangeClosed(1, 12)
                .mapToObj(seed -> new Simulation(SimulationInput.of(SCENARIO, seed), List.of()).run(Simulation.ProgressListener.NONE))
                .toList();
        long held = singles.stream().filter(r -> r.hypotheses().get(0).passed()).count();
        assertThat(sweep.passRate(0)).isEqualTo(100.0 * held / 12);
        assertThat(held).as("the scenario is meant to pass for some seeds and fail for others").isBetween(1L, 11L);
        assertThat(sweep.passRate(1)).isEqualTo(100.0);
        SimulationReport worst = singles.stream().min(java.util.Comparator.comparingDouble(r -> r.services().get(0).availability())).orElseThrow();
        assertThat(sweep.worst().seed()).isEqualTo(worst.seed());
        assertThat(sweep.availabilityPercentile(0, 0)).isEqualTo(worst.services().get(0).availability());
    }

    @Test
    void aBadRangeSaysWhatIsWrong() {
        assertThatThrownBy(() -> SeedRange.parse("1-200")).hasMessageContaining("write FIRST..LAST, e.g. 1..200");
        assertThatThrownBy(() -> SeedRange.parse("9..3")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> SeedRange.parse("1..20000")).hasMessageContaining("more than 10000 seeds");
    }
}
