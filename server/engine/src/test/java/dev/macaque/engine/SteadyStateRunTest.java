package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.RunStep.ProbeEvaluated;
import dev.macaque.engine.RunStep.ProbeEvaluated.Phase;
import dev.macaque.engine.probe.HttpProbes;
import dev.macaque.engine.probe.LoopbackEndpoints;
import dev.macaque.engine.probe.LoopbackEndpoints.Answer;
import dev.macaque.engine.probe.ProbeEvaluator;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.TerminationRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Runs with steady-state probes: not steady before the first kill, the halt, the tolerance, recovery that waits for
 * the probes, and server-wide stop conditions. In virtual time the service behind the group is a small model read
 * synchronously (as the simulator's {@code service} probes are); the halt and not-steady cases also run in real time
 * against real HTTP endpoints on 127.0.0.1.
 */
class SteadyStateRunTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Map<String, String> OPTED_IN = Map.of("macaque-enabled", "true");
    private static final GroupRef API = new GroupRef("sim", "us-east-1", "api");

    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final InMemoryRunRecorder recorder = new InMemoryRunRecorder();
    private final ExperimentSpecParser parser = new ExperimentSpecParser();

    /** The service "api" is served by group api: the share of its desired members that are up. */
    private static ProbeEvaluator servedByTheGroup(ScriptedCloud cloud, int desired) {
        return ProbeEvaluator.routing(ProbeEvaluator.UNSUPPORTED, service ->
                (double) cloud.memberCount("us-east-1", "api") / desired);
    }

    private ExperimentRunner runner(ScriptedCloud cloud, TaskScheduler on, ProbeEvaluator probes, StopConditions stop) {
        return new ExperimentRunner(ProviderDirectory.of(cloud), on, recorder, () -> false, new InMemoryKillHistory(),
                RetryPolicy.DEFAULT, () -> 1L, probes, stop);
    }

    private ExperimentSpec spec(String more) {
        return parser.parse("{\"name\": \"probe-test\", \"seed\": 7, \"guardrails\": {\"minHealthyPercent\": 0}, " + more + "}");
    }

    private static String serviceProbe(String every, int tolerance) {
        return "\"steadyState\": {\"probes\": [{\"name\": \"api-served\", \"service\": {\"name\": \"api\", "
                + "\"minSuccessPercent\": 100}}], \"every\": \"" + every + "\", \"tolerance\": " + tolerance + "}";
    }

    private RunResult runToEnd(ExperimentRunner runner, ExperimentSpec spec) {
        ExperimentRun run = runner.start("run-1", spec);
        scheduler.runUntilIdle();
        assertThat(run.completion()).isDone();
        return run.completion().join();
    }

    private static List<ProbeEvaluated> evaluations(RunResult result) {
        return result.events().stream().map(RunEvent::step).filter(ProbeEvaluated.class::isInstance)
                .map(ProbeEvaluated.class::cast).toList();
    }

    @Test
    void aServiceThatIsNotSteadyBeforeTheFirstKillEndsTheRunWithNothingTerminated() {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).group("us-east-1", "api", 4, OPTED_IN);
        // One member is already down when the run starts: the service is degraded.
        cloud.terminate(new TerminationRequest(API, "i-0001", false, "before the test", "pre"));
        cloud.terminateCalls.clear();

        RunResult result = runToEnd(runner(cloud, scheduler, servedByTheGroup(cloud, 4), StopConditions.NONE),
                spec("\"selection\": {\"mode\": \"count\", \"value\": 1}, " + serviceProbe("10s", 2)));

        assertThat(result.state()).isEqualTo(RunState.NOT_STEADY);
        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.terminations()).isEmpty();
        assertThat(evaluations(result)).singleElement().satisfies(e -> {
            assertThat(e.phase()).isEqualTo(Phase.BEFORE);
            assertThat(e.passed()).isFalse();
            assertThat(e.observed()).isEqualTo("75%");
        });
        assertThat(result.events().get(result.events().size() - 1).step())
                .isEqualTo(new RunStep.RunNotSteady("api-served", "75%", "service api served 75% of requests, less than "
                        + "minSuccessPercent 100"));
        assertThat(result.failureReason()).startsWith("not steady before the first kill: probe api-served failed");
    }

    @Test
    void failuresBelowTheToleranceDoNotHaltAndEveryPacedKillIsMade() {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).group("us-east-1", "api", 4, OPTED_IN)
                .replaceAfter(Duration.ofSeconds(15));
        RunResult result = runToEnd(runner(cloud, scheduler, servedByTheGroup(cloud, 4), StopConditions.NONE),
                spec("\"selection\": {\"mode\": \"count\", \"value\": 3}, \"pacing\": {\"between\": \"62s\"}, "
                        + serviceProbe("10s", 2)));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(cloud.terminateCallTimes).containsExactly(T0, T0.plusSeconds(62), T0.plusSeconds(124));
        // Each kill costs one failed evaluation (10s after it) before its replacement arrives: one in a row, never two.
        assertThat(evaluations(result)).filteredOn(e -> !e.passed()).hasSize(3)
                .allSatisfy(e -> assertThat(e.consecutiveFailures()).isEqualTo(1));
        assertThat(result.timeToSteady()).isNotNull();
    }

    @Test
    void reachingTheToleranceHaltsTheRunBeforeItsNextKill() {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).group("us-east-1", "api", 4, OPTED_IN)
                .replaceAfter(Duration.ofSeconds(25));
        RunResult result = runToEnd(runner(cloud, scheduler, servedByTheGroup(cloud, 4), StopConditions.NONE),
                spec("\"selection\": {\"mode\": \"count\", \"value\": 3}, \"pacing\": {\"between\": \"1m\"}, "
                        + serviceProbe("10s", 2)));

        assertThat(result.state()).isEqualTo(RunState.HALTED);
        assertThat(cloud.terminateCallTimes).containsExactly(T0);
        assertThat(result.finishedAt()).isEqualTo(T0.plusSeconds(20));
        assertThat(result.events().get(result.events().size() - 1).step())
                .isEqualTo(new RunStep.RunHalted("api-served", "75%", "service api served 75% of requests, less than "
                        + "minSuccessPercent 100", 2, 2));
        assertThat(result.failureReason()).contains("probe api-served failed 2 times in a row (observed: 75%")
                .contains("at " + dev.macaque.text.Instants.format(T0.plusSeconds(20)));
        assertThat(result.recoveries()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(RecoveryStatus.SKIPPED));
    }

    @Test
    void recoveryIsVerifiedOnlyWhenTheGroupsAreBackAndEveryProbePassesAgain() {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).group("us-east-1", "api", 4, OPTED_IN)
                .replaceAfter(Duration.ofSeconds(20));
        AtomicReference<Instant> lastKill = new AtomicReference<>();
        cloud.beforeTerminate = request -> lastKill.set(scheduler.now());
        // The replacement is in service after 20s, but the service only serves well once its cache is warm, 90s after the kill.
        ProbeEvaluator warmingUp = ProbeEvaluator.routing(ProbeEvaluator.UNSUPPORTED, service ->
                lastKill.get() == null || !scheduler.now().isBefore(lastKill.get().plusSeconds(90)) ? 1.0 : 0.5);

        RunResult result = runToEnd(runner(cloud, scheduler, warmingUp, StopConditions.NONE),
                spec("\"selection\": {\"mode\": \"count\", \"value\": 1}, \"recovery\": {\"timeout\": \"5m\", "
                        + "\"pollInterval\": \"15s\"}, " + serviceProbe("10s", 1)));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.recoveries()).singleElement()
                .satisfies(r -> assertThat(r.timeToRecover()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(result.timeToSteady()).isEqualTo(Duration.ofSeconds(90));
        assertThat(result.finishedAt()).isEqualTo(T0.plusSeconds(90));
        assertThat(evaluations(result)).filteredOn(e -> e.phase() == Phase.AFTER && !e.passed()).hasSize(8);
        assertThat(result.events()).extracting(RunEvent::step).contains(new RunStep.SteadyAgain(Duration.ofSeconds(90)));
    }

    @Test
    void aServiceThatNeverComesBackIsAFindingAtTheRecoveryDeadline() {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).group("us-east-1", "api", 4, OPTED_IN)
                .replaceAfter(Duration.ofSeconds(20));
        AtomicInteger kills = new AtomicInteger();
        cloud.beforeTerminate = request -> kills.incrementAndGet();
        ProbeEvaluator brokenAfterTheKill = ProbeEvaluator.routing(ProbeEvaluator.UNSUPPORTED,
                service -> kills.get() == 0 ? 1.0 : 0.2);

        RunResult result = runToEnd(runner(cloud, scheduler, brokenAfterTheKill, StopConditions.NONE),
                spec("\"selection\": {\"mode\": \"count\", \"value\": 1}, \"recovery\": {\"timeout\": \"2m\"}, "
                        + serviceProbe("10s", 1)));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.recoveries()).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(RecoveryStatus.RECOVERED));
        assertThat(result.timeToSteady()).isNull();
        assertThat(result.finishedAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(result.events()).extracting(RunEvent::type).doesNotContain(RunEventType.STEADY_AGAIN);
    }

    @Test
    void aFailingStopConditionHoldsEveryTerminationWithItsNameAndObservedValue() {
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).group("us-east-1", "api", 4, OPTED_IN);
        StopConditions failing = () -> Optional.of(new StopConditions.Failing("error-rate", "7.5", "7.5 is above max 5",
                T0.minusSeconds(30)));
        RunResult result = runToEnd(runner(cloud, scheduler, ProbeEvaluator.UNSUPPORTED, failing),
                spec("\"selection\": {\"mode\": \"count\", \"value\": 2}"));

        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.refusals()).hasSize(2).allSatisfy(r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.STOP_CONDITION_FAILING);
            assertThat(r.message()).contains("stop condition error-rate is failing (observed: 7.5; 7.5 is above max 5");
        });
    }

    // --- real time, real HTTP endpoints on 127.0.0.1 ---

    private static RunResult inRealTime(ScriptedCloud cloud, ExperimentSpec spec, ScheduledExecutorService executor) {
        TaskScheduler real = new ExecutorTaskScheduler(executor, Clock.systemUTC());
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), real, new InMemoryRunRecorder(),
                () -> false, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 1L,
                ProbeEvaluator.network(new HttpProbes(name -> null)), StopConditions.NONE);
        try {
            return runner.start("run-http", spec).completion().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the run did not end", e);
        }
    }

    private static String httpProbe(String url) {
        return "\"steadyState\": {\"probes\": [{\"name\": \"checkout-ok\", \"http\": {\"url\": \"" + url
                + "\", \"expectStatus\": [200], \"timeout\": \"2s\"}}], \"every\": \"2s\", \"tolerance\": 2}";
    }

    @Test
    void anHttpEndpointFailingAfterTheFirstOfThreePacedKillsHaltsTheRunAndTheOtherVictimsLive() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        AtomicInteger kills = new AtomicInteger();
        try (LoopbackEndpoints shop = new LoopbackEndpoints()
                .answer("/health", q -> kills.get() == 0 ? new Answer(200, "ok") : new Answer(500, "broken"))) {
            ScriptedCloud cloud = new ScriptedCloud("sim", new ExecutorTaskScheduler(executor, Clock.systemUTC()))
                    .group("us-east-1", "api", 6, OPTED_IN);
            cloud.beforeTerminate = request -> kills.incrementAndGet();
            // An hour between kills: only the probes can end this run before its second kill.
            RunResult result = inRealTime(cloud, spec("\"selection\": {\"mode\": \"count\", \"value\": 3}, "
                    + "\"pacing\": {\"between\": \"1h\"}, " + httpProbe(shop.uri("/health").toString())), executor);

            assertThat(result.state()).as(result.failureReason()).isEqualTo(RunState.HALTED);
            assertThat(cloud.terminateCalls).hasSize(1);
            List<String> spared = result.victims().subList(1, 3).stream().map(Victim::instanceId).toList();
            assertThat(cloud.memberCount("us-east-1", "api")).isEqualTo(5);
            assertThat(cloud.describeGroup(API).healthyInService()).extracting(i -> i.id()).containsAll(spared);
            assertThat(evaluations(result)).filteredOn(e -> e.phase() == Phase.BEFORE).singleElement()
                    .satisfies(e -> assertThat(e.passed()).isTrue());
            assertThat(result.events().get(result.events().size() - 1).step()).isInstanceOfSatisfying(RunStep.RunHalted.class,
                    halted -> {
                        assertThat(halted.probe()).isEqualTo("checkout-ok");
                        assertThat(halted.observed()).startsWith("HTTP 500 in ");
                        assertThat(halted.failures()).isEqualTo(2);
                        assertThat(halted.remaining()).isEqualTo(2);
                    });
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void anHttpEndpointThatHangsBeforeTheFirstKillMeansNotSteady() throws Exception {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        try (LoopbackEndpoints shop = new LoopbackEndpoints().hang("/health")) {
            ScriptedCloud cloud = new ScriptedCloud("sim", new ExecutorTaskScheduler(executor, Clock.systemUTC()))
                    .group("us-east-1", "api", 4, OPTED_IN);
            RunResult result = inRealTime(cloud, spec("\"selection\": {\"mode\": \"count\", \"value\": 1}, "
                    + httpProbe(shop.uri("/health").toString())), executor);

            assertThat(result.state()).isEqualTo(RunState.NOT_STEADY);
            assertThat(cloud.terminateCalls).isEmpty();
            assertThat(result.failureReason()).contains("no answer from 127.0.0.1 within 2000ms");
        } finally {
            executor.shutdownNow();
        }
    }
}
