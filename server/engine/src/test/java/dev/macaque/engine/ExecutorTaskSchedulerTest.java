package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real-time scheduler, and the engine on it: the same code as in virtual time, on an executor thread. */
class ExecutorTaskSchedulerTest {
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorTaskScheduler scheduler = new ExecutorTaskScheduler(executor, Clock.systemUTC());

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void runsScheduledTasksAndNotCancelledOnes() {
        AtomicInteger ran = new AtomicInteger();
        scheduler.schedule(Duration.ofMillis(10), ran::incrementAndGet);
        Cancellable cancelled = scheduler.schedule(Duration.ofMillis(20), () -> ran.addAndGet(100));
        assertThat(cancelled.cancel()).isTrue();
        scheduler.schedule(Duration.ofMillis(30), ran::incrementAndGet);
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 2);
    }

    @Test
    void anExperimentRunsToCompletionInRealTime() throws Exception {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).replaceAfter(Duration.ofMillis(100));
        cloud.group("us-east-1", "api", 4, Map.of("macaque-enabled", "true"));
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, new InMemoryRunRecorder(),
                KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 5L);
        ExperimentSpec spec = new ExperimentSpecParser().parse("""
                {"name": "real-time", "selection": {"mode": "count", "value": 1},
                 "recovery": {"timeout": "10s", "pollInterval": "50ms"}}
                """);
        RunResult result = runner.start("rt-1", spec).completion().get(10, TimeUnit.SECONDS);
        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.recoveries()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecoveryStatus.RECOVERED);
            assertThat(r.timeToRecover()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        });
    }

    @Test
    void abortFromAnotherThreadStopsAVerifyingRun() throws Exception {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).replaceAfter(null);
        cloud.group("us-east-1", "api", 4, Map.of("macaque-enabled", "true"));
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, new InMemoryRunRecorder(),
                KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 5L);
        ExperimentSpec spec = new ExperimentSpecParser().parse("""
                {"name": "abort", "selection": {"mode": "count", "value": 1},
                 "recovery": {"timeout": "1h", "pollInterval": "20ms"}}
                """);
        ExperimentRun run = runner.start("rt-2", spec);
        await().atMost(Duration.ofSeconds(5)).until(() -> run.state() == RunState.VERIFYING);
        assertThat(run.abort("test")).isTrue();
        RunResult result = run.completion().get(5, TimeUnit.SECONDS);
        assertThat(result.state()).isEqualTo(RunState.ABORTED);
        assertThat(result.recoveries()).extracting(GroupRecovery::status).containsExactly(RecoveryStatus.SKIPPED);
        assertThat(result.events()).extracting(RunEvent::seq).isSorted();
    }
}
