package dev.macaque.benchmarks.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FleetScaleBenchmarkTest {
    private final FleetScaleBenchmark benchmark = new FleetScaleBenchmark();

    private static FleetScaleBenchmark.Month month() {
        FleetScaleBenchmark.Month month = new FleetScaleBenchmark.Month();
        month.groups = 100;
        month.days = 2;
        month.regions = 4;
        month.build();
        return month;
    }

    private static FleetScaleBenchmark.Counters counters() {
        FleetScaleBenchmark.Counters counters = new FleetScaleBenchmark.Counters();
        counters.reset();
        return counters;
    }

    @Test
    void chaosMonthRunsAnExperimentEveryHourAndOneKillPerGroupPerDay() {
        FleetScaleBenchmark.Counters counters = counters();
        FleetScaleRun.Outcome outcome = benchmark.chaosMonth(month(), counters);
        counters.readHeap();

        // 48 hourly runs and, with a mean of one day, every group's scheduled kill on each of the 2 days.
        assertThat(outcome.runsStarted()).isEqualTo(48 + 200);
        assertThat(outcome.runsFailed()).isZero();
        // A run takes a couple of simulated minutes; only ones started in the last minutes may still be verifying.
        assertThat(outcome.runsCompleted()).isBetween(outcome.runsStarted() - 5, outcome.runsStarted());
        assertThat(outcome.runEvents()).isGreaterThan(10 * outcome.runsCompleted());
        assertThat(counters.runsCompleted).isEqualTo(outcome.runsCompleted());
        assertThat(counters.heapPeakMiB).isPositive();
    }

    @Test
    void worldOnlyMonthMakesTheSameKillsWithoutTheEngine() {
        FleetScaleRun.Outcome outcome = benchmark.worldOnlyMonth(month(), counters());

        assertThat(outcome.runsStarted()).isEqualTo(48 + 200);
        assertThat(outcome.runsCompleted()).isEqualTo(outcome.runsStarted());
        assertThat(outcome.runEvents()).isZero();
    }

    @Test
    void aRunSimulatesOneMonthOnly() {
        FleetScaleRun run = new FleetScaleRun(1, 10, 10, 2);
        run.worldOnly(1);

        assertThatThrownBy(() -> run.run(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("one month");
    }
}
