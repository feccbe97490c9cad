package dev.macaque.benchmarks.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.GroupRecovery;
import dev.macaque.engine.RecoveryStatus;
import dev.macaque.engine.RunResult;
import dev.macaque.engine.RunState;
import dev.macaque.engine.TerminationRecord;
import dev.macaque.engine.TerminationStatus;
import org.junit.jupiter.api.Test;

class RecoveryVerificationBenchmarkTest {
    private final RecoveryVerificationBenchmark benchmark = new RecoveryVerificationBenchmark();

    private static RecoveryVerificationBenchmark.World world(int kills) {
        RecoveryVerificationBenchmark.World world = new RecoveryVerificationBenchmark.World();
        world.groups = 50;
        world.kills = kills;
        world.build();
        return world;
    }

    @Test
    void experimentRunKillsAndSeesEveryGroupRecover() {
        RecoveryVerificationBenchmark.World world = world(10);
        for (int i = 0; i < 3; i++) {
            RunResult result = benchmark.experimentRun(world);

            assertThat(result.state()).isEqualTo(RunState.COMPLETED);
            assertThat(result.terminations()).hasSize(10)
                    .extracting(TerminationRecord::status).containsOnly(TerminationStatus.TERMINATED);
            assertThat(result.recoveries()).isNotEmpty()
                    .extracting(GroupRecovery::status).containsOnly(RecoveryStatus.RECOVERED);
        }
    }

    @Test
    void worldOnlyStepsUntilTheKilledGroupIsBack() {
        RecoveryVerificationBenchmark.World world = world(1);
        // Replacement delay, boot and health-check grace: at least launch, in service and healthy.
        assertThat(benchmark.worldOnly(world)).isGreaterThanOrEqualTo(3);
        assertThat(benchmark.worldOnly(world)).isGreaterThanOrEqualTo(3);
    }
}
