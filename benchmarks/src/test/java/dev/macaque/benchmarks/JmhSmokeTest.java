package dev.macaque.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark through JMH itself, in this JVM, for one very short iteration with tiny parameters, so that
 * the generated code, states, parameters and counters can never rot. Measures nothing.
 */
class JmhSmokeTest {

    @Test
    void everyBenchmarkRunsUnderJmh() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("dev\\.macaque\\.benchmarks\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(20))
                .timeUnit(TimeUnit.MILLISECONDS)
                .param("groups", "100")
                .param("k", "10")
                .param("kills", "1")
                .param("days", "1")
                .param("regions", "4")
                .shouldFailOnError(true)
                .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Set<String> ran = new TreeSet<>();
        for (RunResult result : results) {
            assertThat(result.getPrimaryResult().getScore()).as(result.getParams().getBenchmark()).isPositive();
            ran.add(result.getParams().getBenchmark().replaceFirst("^dev\\.macaque\\.benchmarks\\.", ""));
        }
        assertThat(ran).containsExactly(
                "fleet.FleetScaleBenchmark.chaosMonth",
                "fleet.FleetScaleBenchmark.worldOnlyMonth",
                "recovery.RecoveryVerificationBenchmark.experimentRun",
                "recovery.RecoveryVerificationBenchmark.worldOnly",
                "selection.TargetSelectionBenchmark.floor",
                "selection.TargetSelectionBenchmark.indexBuild",
                "selection.TargetSelectionBenchmark.naive",
                "selection.TargetSelectionBenchmark.select",
                "selection.TargetSelectionBenchmark.selectList",
                "simulator.SimulatorThroughputBenchmark.priorityQueueFloor",
                "simulator.SimulatorThroughputBenchmark.world");
    }
}
