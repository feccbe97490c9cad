package dev.macaque.engine;

import dev.macaque.text.Durations;
import static dev.macaque.engine.RunEventType.GROUPS_DISCOVERED;
import static dev.macaque.engine.RunEventType.GROUP_NOT_RECOVERED;
import static dev.macaque.engine.RunEventType.GROUP_RECOVERED;
import static dev.macaque.engine.RunEventType.HEALTH_CHECKED;
import static dev.macaque.engine.RunEventType.HEALTH_CHECK_FAILED;
import static dev.macaque.engine.RunEventType.PROVIDER_CALL_RETRY;
import static dev.macaque.engine.RunEventType.RUN_ABORTED;
import static dev.macaque.engine.RunEventType.RUN_COMPLETED;
import static dev.macaque.engine.RunEventType.RUN_CREATED;
import static dev.macaque.engine.RunEventType.RUN_FAILED;
import static dev.macaque.engine.RunEventType.RUN_STARTED;
import static dev.macaque.engine.RunEventType.TERMINATION_ABANDONED;
import static dev.macaque.engine.RunEventType.TERMINATION_FAILED;
import static dev.macaque.engine.RunEventType.TERMINATION_INTENT;
import static dev.macaque.engine.RunEventType.TERMINATION_OUTCOME;
import static dev.macaque.engine.RunEventType.TERMINATION_REFUSED;
import static dev.macaque.engine.RunEventType.VERIFICATION_STARTED;
import static dev.macaque.engine.RunEventType.VICTIMS_SELECTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ExperimentRunTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Map<String, String> OPTED_IN = Map.of("macaque-enabled", "true");
    private static final GroupRef API = new GroupRef("sim", "us-east-1", "api");

    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final InMemoryRunRecorder recorder = new InMemoryRunRecorder();
    private final InMemoryKillHistory history = new InMemoryKillHistory();
    private final AtomicBoolean killSwitch = new AtomicBoolean();
    private final ScriptedCloud cloud = new ScriptedCloud("sim", scheduler);
    private final ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, recorder,
            killSwitch::get, history, RetryPolicy.DEFAULT, () -> 424242L);
    private final ExperimentSpecParser parser = new ExperimentSpecParser();

    private ExperimentSpec spec(String selectionAndMore) {
        return parser.parse("{\"name\": \"test\", \"seed\": 7, " + selectionAndMore + "}");
    }

    private RunResult runToEnd(ExperimentSpec spec) {
        ExperimentRun run = runner.start("run-1", spec);
        scheduler.runUntilIdle();
        assertThat(run.completion()).isDone();
        return run.completion().join();
    }

    private static List<RunEventType> types(RunResult result) {
        return result.events().stream().map(RunEvent::type).toList();
    }

    @Test
    void killsVerifiesRecoveryAndMeasuresTheTimeItTook() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(Duration.ofSeconds(40));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1},"
                + "\"recovery\": {\"timeout\": \"5m\", \"pollInterval\": \"15s\"}"));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.seed()).isEqualTo(7);
        assertThat(result.terminations()).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(TerminationStatus.TERMINATED);
            assertThat(t.group()).isEqualTo(API);
            assertThat(t.attempts()).isEqualTo(1);
            assertThat(t.intentAt()).isEqualTo(T0);
        });
        assertThat(result.recoveries()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecoveryStatus.RECOVERED);
            assertThat(r.preKillHealthy()).isEqualTo(4);
            assertThat(r.timeToRecover()).isEqualTo(Duration.ofSeconds(45)); // replaced at 40s, seen at the 45s poll
        });
        assertThat(types(result)).containsExactly(RUN_CREATED, RUN_STARTED, GROUPS_DISCOVERED, VICTIMS_SELECTED,
                TERMINATION_INTENT, TERMINATION_OUTCOME, VERIFICATION_STARTED, HEALTH_CHECKED, HEALTH_CHECKED,
                HEALTH_CHECKED, GROUP_RECOVERED, RUN_COMPLETED);
        assertThat(result.finishedAt()).isEqualTo(T0.plusSeconds(45));
        assertThat(cloud.memberCount("us-east-1", "api")).isEqualTo(4);
    }

    @Test
    void theEventListIsCompleteOrderedAndWhatTheRecorderKept() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(Duration.ofSeconds(20));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 2}"));
        assertThat(result.events()).extracting(RunEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, result.events().size()).boxed().toList());
        assertThat(result.events()).extracting(RunEvent::time).isSorted();
        assertThat(result.events()).allMatch(e -> e.runId().equals("run-1"));
        assertThat(recorder.events("run-1")).isEqualTo(result.events());
    }

    @Test
    void theRunGoesThroughPendingRunningAndVerifying() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(Duration.ofMinutes(1));
        ExperimentRun run = runner.start("run-1", spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(run.state()).isEqualTo(RunState.PENDING);
        scheduler.runNext();
        assertThat(run.state()).isEqualTo(RunState.RUNNING);
        scheduler.runUntil(T0.plusSeconds(30));
        assertThat(run.state()).isEqualTo(RunState.VERIFYING);
        assertThat(run.completion()).isNotDone();
        scheduler.runUntilIdle();
        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    void aGroupThatDoesNotRecoverInTimeIsAFindingOfACompletedRun() {
        cloud.group("us-east-1", "api", 3, OPTED_IN).replaceAfter(null);
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1},"
                + "\"recovery\": {\"timeout\": \"2m\", \"pollInterval\": \"50s\"}"));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.notRecovered()).singleElement().satisfies(r -> {
            assertThat(r.group()).isEqualTo(API);
            assertThat(r.lastHealthy()).isEqualTo(2);
            assertThat(r.timeToRecover()).isNull();
            assertThat(r.detail()).contains("not back to 3 healthy in service within 2m");
        });
        // Polls at 50s and 100s, then one at the deadline itself.
        assertThat(result.events()).filteredOn(e -> e.type() == HEALTH_CHECKED).extracting(RunEvent::time)
                .containsExactly(T0.plusSeconds(50), T0.plusSeconds(100), T0.plusSeconds(120));
        assertThat(types(result)).containsSubsequence(GROUP_NOT_RECOVERED, RUN_COMPLETED);
        assertThat(result.finishedAt()).isEqualTo(T0.plusSeconds(120));
    }

    @Test
    void failedHealthReadsAreRecordedAndVerificationGoesOn() {
        cloud.group("us-east-1", "api", 3, OPTED_IN).replaceAfter(Duration.ofSeconds(10));
        cloud.healthFailures.add(new ProviderException(Kind.TRANSIENT, "503 from the API"));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1},"
                + "\"recovery\": {\"timeout\": \"2m\", \"pollInterval\": \"15s\"}"));
        assertThat(types(result)).containsSubsequence(HEALTH_CHECK_FAILED, HEALTH_CHECKED, GROUP_RECOVERED);
        assertThat(result.recoveries().get(0).timeToRecover()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void discoveryThatCannotProceedFailsTheRun() {
        cloud.group("us-east-1", "api", 3, OPTED_IN);
        cloud.listFailures.add(new ProviderException(Kind.PERMISSION_DENIED, "not allowed to list"));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(result.state()).isEqualTo(RunState.FAILED);
        assertThat(result.failureReason()).isEqualTo("discovery failed: no provider could list its groups: sim: "
                + "listGroups failed after 1 attempt: PERMISSION_DENIED: not allowed to list");
        assertThat(types(result)).containsExactly(RUN_CREATED, RUN_STARTED, RunEventType.PROVIDER_UNAVAILABLE, RUN_FAILED);
        assertThat(cloud.terminateCalls).isEmpty();
    }

    @Test
    void anUnavailableProviderIsRetriedThenFailsTheRun() {
        cloud.group("us-east-1", "api", 3, OPTED_IN);
        for (int i = 0; i < 4; i++) {
            cloud.listFailures.add(new ProviderException(Kind.UNAVAILABLE, "endpoint unreachable"));
        }
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(result.state()).isEqualTo(RunState.FAILED);
        assertThat(result.failureReason()).contains("after 4 attempts: UNAVAILABLE: endpoint unreachable");
        assertThat(types(result).stream().filter(t -> t == PROVIDER_CALL_RETRY)).hasSize(3);
    }

    @Test
    void aProviderThatCannotListIsSkippedWithAFindingAndTheRunGoesOnWithTheOthers() {
        ScriptedCloud broken = new ScriptedCloud("aws-prod", scheduler);
        broken.group("eu-west-1", "web", 3, OPTED_IN);
        for (int i = 0; i < 4; i++) {
            broken.listFailures.add(new ProviderException(Kind.PERMISSION_DENIED, "no credentials"));
        }
        cloud.group("us-east-1", "api", 3, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        ExperimentRunner both = new ExperimentRunner(ProviderDirectory.of(cloud, broken), scheduler, recorder,
                killSwitch::get, history, RetryPolicy.DEFAULT, () -> 1L);
        ExperimentRun run = both.start("run-2", spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.terminations()).extracting(t -> t.group().name()).containsExactly("api");
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.PROVIDER_UNAVAILABLE).singleElement()
                .satisfies(e -> assertThat(e.field("provider")).isEqualTo("aws-prod"))
                .satisfies(e -> assertThat(e.field("reason")).contains("PERMISSION_DENIED: no credentials"));
    }

    @Test
    void aProviderNamedInTheTargetsThatCannotListFailsTheRunWithTheReason() {
        ScriptedCloud broken = new ScriptedCloud("aws-prod", scheduler);
        broken.group("eu-west-1", "web", 3, OPTED_IN);
        broken.listFailures.add(new ProviderException(Kind.PERMISSION_DENIED, "no credentials"));
        cloud.group("us-east-1", "api", 3, OPTED_IN);
        ExperimentRunner both = new ExperimentRunner(ProviderDirectory.of(cloud, broken), scheduler, recorder,
                killSwitch::get, history, RetryPolicy.DEFAULT, () -> 1L);
        ExperimentRun run = both.start("run-3", spec("\"targets\": {\"providers\": [\"aws-prod\", \"sim\"]},"
                + "\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();

        assertThat(result.state()).isEqualTo(RunState.FAILED);
        assertThat(result.failureReason()).isEqualTo("discovery failed: provider aws-prod (named in targets.providers) is "
                + "unavailable: listGroups failed after 1 attempt: PERMISSION_DENIED: no credentials");
        assertThat(cloud.terminateCalls).isEmpty();
    }

    @Test
    void namingAProviderThatIsNotConfiguredFailsTheRun() {
        RunResult result = runToEnd(spec("\"targets\": {\"providers\": [\"aws-prod\"]},"
                + "\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(result.state()).isEqualTo(RunState.FAILED);
        assertThat(result.failureReason())
                .isEqualTo("targets.providers names 'aws-prod', which is not a configured provider (configured: sim)");
    }

    @Test
    void throttledTwiceThenSuccessIsRetriedWithGrowingJitteredBackoffAndTheSameIdempotencyKey() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        cloud.terminateFailures.add(new ProviderException(Kind.THROTTLED, "Rate exceeded"));
        cloud.terminateFailures.add(new ProviderException(Kind.THROTTLED, "Rate exceeded"));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));

        assertThat(result.terminations()).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(TerminationStatus.TERMINATED);
            assertThat(t.attempts()).isEqualTo(3);
        });
        assertThat(cloud.terminateCalls).hasSize(3).extracting(TerminationRequest::idempotencyKey).containsOnly("run-1-0");
        List<RunEvent> retries = result.events().stream().filter(e -> e.type() == PROVIDER_CALL_RETRY).toList();
        assertThat(retries).hasSize(2);
        assertThat(retries.get(0).field("errorKind")).isEqualTo("THROTTLED");
        Duration first = Duration.between(cloud.terminateCallTimes.get(0), cloud.terminateCallTimes.get(1));
        Duration second = Duration.between(cloud.terminateCallTimes.get(1), cloud.terminateCallTimes.get(2));
        assertThat(first).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(second).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(retries.get(0).field("retryIn")).isEqualTo(Durations.format(first));
        // Intent once, outcome once: retries are attempts of one termination.
        assertThat(types(result).stream().filter(t -> t == TERMINATION_INTENT)).hasSize(1);
        assertThat(result.recoveries().get(0).status()).isEqualTo(RecoveryStatus.RECOVERED);
    }

    @Test
    void aRetryAfterHintLongerThanTheBackoffIsHonoured() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        cloud.terminateFailures.add(new ProviderException(Kind.THROTTLED, "slow down", null, true, Duration.ofSeconds(20)));
        runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(Duration.between(cloud.terminateCallTimes.get(0), cloud.terminateCallTimes.get(1)))
                .isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void exhaustedRetriesRecordTheFailureAndTheRunCompletes() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        for (int i = 0; i < 4; i++) {
            cloud.terminateFailures.add(new ProviderException(Kind.THROTTLED, "Rate exceeded"));
        }
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.terminations()).singleElement().satisfies(t -> {
            assertThat(t.status()).isEqualTo(TerminationStatus.FAILED);
            assertThat(t.attempts()).isEqualTo(4);
            assertThat(t.errorKind()).isEqualTo("THROTTLED");
            assertThat(t.errorMessage()).isEqualTo("Rate exceeded");
        });
        assertThat(cloud.terminateCalls).hasSize(4);
        assertThat(result.recoveries()).isEmpty();
        assertThat(types(result)).containsSubsequence(TERMINATION_INTENT, TERMINATION_FAILED, RUN_COMPLETED);
    }

    @Test
    void aNonRetryableErrorIsNotRetried() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        cloud.terminateFailures.add(new ProviderException(Kind.PERMISSION_DENIED, "ec2:TerminateInstances denied"));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(cloud.terminateCalls).hasSize(1);
        assertThat(result.terminations().get(0).errorKind()).isEqualTo("PERMISSION_DENIED");
        assertThat(types(result)).doesNotContain(PROVIDER_CALL_RETRY);
    }

    @Test
    void theIntentIsOnRecordBeforeTheProviderIsCalled() {
        cloud.group("us-east-1", "api", 6, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        cloud.beforeTerminate = request -> {
            List<RunEvent> kept = recorder.events("run-1");
            RunEvent last = kept.get(kept.size() - 1);
            assertThat(last.type()).isEqualTo(TERMINATION_INTENT);
            assertThat(last.field("instance")).isEqualTo(request.instanceId());
            assertThat(last.field("idempotencyKey")).isEqualTo(request.idempotencyKey());
        };
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 3}"));
        assertThat(cloud.terminateCalls).hasSize(3);
        assertThat(result.terminations()).allMatch(t -> t.status() == TerminationStatus.TERMINATED);
    }

    @Test
    void aTerminationWhoseIntentCannotBeRecordedIsNeverAttemptedAndTheRunFails() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        RunRecorder failingOnIntent = event -> {
            if (event.type() == TERMINATION_INTENT) {
                throw new IllegalStateException("database is read-only");
            }
        };
        ExperimentRunner fragile = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, failingOnIntent,
                killSwitch::get, history, RetryPolicy.DEFAULT, () -> 1L);
        ExperimentRun run = fragile.start("run-1", spec("\"selection\": {\"mode\": \"count\", \"value\": 2}"));
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();
        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.state()).isEqualTo(RunState.FAILED);
        assertThat(result.failureReason()).contains("could not record event").contains("TERMINATION_INTENT")
                .contains("database is read-only");
        assertThat(types(result)).endsWith(TERMINATION_INTENT, RUN_FAILED);
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void whileTheRecorderCannotRecordTheNextTerminationIsHeldAndGoesOnOnceItCan() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        AtomicBoolean writable = new AtomicBoolean(true);
        RunRecorder diskFillsAfterSelection = new RunRecorder() {
            @Override
            public void record(RunEvent event) {
                if (!writable.get()) {
                    throw new IllegalStateException("database cannot write");
                }
                recorder.record(event);
                if (event.type() == VICTIMS_SELECTED) {
                    writable.set(false);
                }
            }

            @Override
            public boolean canRecord() {
                return writable.get();
            }
        };
        ExperimentRunner holding = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, diskFillsAfterSelection,
                killSwitch::get, history, RetryPolicy.DEFAULT, () -> 1L);
        ExperimentRun run = holding.start("run-1", spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));

        scheduler.runFor(Duration.ofMinutes(10));
        assertThat(cloud.terminateCalls).as("no kill while its intent cannot be recorded").isEmpty();
        assertThat(run.completion()).as("the run holds instead of failing").isNotDone();
        assertThat(recorder.events("run-1")).extracting(RunEvent::type).doesNotContain(TERMINATION_INTENT);

        writable.set(true);
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();
        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(cloud.terminateCalls).hasSize(1);
        assertThat(types(result)).containsSubsequence(VICTIMS_SELECTED, TERMINATION_INTENT, TERMINATION_OUTCOME, RUN_COMPLETED);
    }

    @Test
    void aRunAbortedBeforeItStartsTouchesNothing() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        ExperimentRun run = runner.start("run-1", spec("\"selection\": {\"mode\": \"percent\", \"value\": 50}"));
        assertThat(run.abort("changed my mind")).isTrue();
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();
        assertThat(result.state()).isEqualTo(RunState.ABORTED);
        assertThat(types(result)).containsExactly(RUN_CREATED, RUN_ABORTED);
        assertThat(cloud.terminateCalls).isEmpty();
    }

    @Test
    void theStartEventSaysWhatWillBeDone() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"percent\", \"value\": 25}, \"dryRun\": true"));
        RunEvent started = result.events().get(1);
        assertThat(started.type()).isEqualTo(RUN_STARTED);
        assertThat(started.fields()).containsExactly(Map.entry("experiment", "test"), Map.entry("seed", "7"),
                Map.entry("dryRun", "true"), Map.entry("selection", "percent 25"));
    }

    @Test
    void abortStopsFurtherKillsAtOnce() {
        cloud.group("us-east-1", "api", 10, OPTED_IN).replaceAfter(Duration.ofSeconds(30));
        ExperimentRun run = runner.start("run-1", spec("\"selection\": {\"mode\": \"count\", \"value\": 5}"));
        while (cloud.terminateCalls.size() < 2) {
            scheduler.runNext();
        }
        assertThat(run.abort("operator pressed stop")).isTrue();
        assertThat(run.abort("again")).isFalse();
        scheduler.runUntilIdle();

        RunResult result = run.completion().join();
        assertThat(result.state()).isEqualTo(RunState.ABORTED);
        assertThat(result.failureReason()).isEqualTo("operator pressed stop");
        assertThat(cloud.terminateCalls).hasSize(2);
        assertThat(result.victims()).hasSize(5);
        assertThat(result.recoveries()).singleElement().extracting(GroupRecovery::status).isEqualTo(RecoveryStatus.SKIPPED);
        assertThat(types(result)).endsWith(RUN_ABORTED);
        assertThat(scheduler.pendingTasks()).isZero();
    }

    @Test
    void abortDuringABackoffAbandonsTheWaitingTermination() {
        cloud.group("us-east-1", "api", 10, OPTED_IN);
        cloud.terminateFailures.add(new ProviderException(Kind.THROTTLED, "Rate exceeded"));
        ExperimentRun run = runner.start("run-1", spec("\"selection\": {\"mode\": \"count\", \"value\": 3}"));
        while (cloud.terminateCalls.isEmpty()) {
            scheduler.runNext();
        }
        run.abort("stop");
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();
        assertThat(cloud.terminateCalls).hasSize(1);
        assertThat(result.terminations()).singleElement().extracting(TerminationRecord::status)
                .isEqualTo(TerminationStatus.ABANDONED);
        assertThat(types(result)).containsSubsequence(TERMINATION_INTENT, PROVIDER_CALL_RETRY, TERMINATION_ABANDONED, RUN_ABORTED);
    }

    @Test
    void abortDuringVerificationSkipsTheGroupsNotYetVerified() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(null);
        ExperimentRun run = runner.start("run-1", spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        scheduler.runFor(Duration.ofMinutes(1));
        assertThat(run.state()).isEqualTo(RunState.VERIFYING);
        run.abort("enough");
        scheduler.runUntilIdle();
        assertThat(run.result().recoveries()).extracting(GroupRecovery::status).containsExactly(RecoveryStatus.SKIPPED);
        assertThat(scheduler.now()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void anAbortDuringAProviderCallStillRecordsThatCallsOutcomeAndStartsNoOther() {
        cloud.group("us-east-1", "api", 10, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        ExperimentRun[] run = new ExperimentRun[1];
        cloud.beforeTerminate = request -> run[0].abort("stopped while the call was under way");
        run[0] = runner.start("run-1", spec("\"selection\": {\"mode\": \"count\", \"value\": 3}"));
        scheduler.runUntilIdle();
        RunResult result = run[0].result();
        assertThat(result.state()).isEqualTo(RunState.ABORTED);
        assertThat(cloud.terminateCalls).hasSize(1);
        assertThat(types(result)).endsWith(TERMINATION_INTENT, RUN_ABORTED, TERMINATION_OUTCOME);
        assertThat(result.terminations()).singleElement().extracting(TerminationRecord::status)
                .isEqualTo(TerminationStatus.TERMINATED);
        assertThat(result.recoveries()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecoveryStatus.SKIPPED);
            assertThat(r.detail()).contains("ended before this termination returned");
        });
        assertThat(history.lastKill(API)).contains(T0);
    }

    @Test
    void discoversAndKillsAcrossThousandsOfGroupsWithoutDeepRecursion() {
        for (int i = 0; i < 20_000; i++) {
            cloud.group("us-east-1", String.format("g%05d", i), 2, i % 2 == 0 ? OPTED_IN : Map.of());
        }
        cloud.replaceAfter(Duration.ofSeconds(10));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 50},"
                + "\"guardrails\": {\"maxTerminations\": 50}"));
        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.terminations()).hasSize(50).allMatch(t -> t.status() == TerminationStatus.TERMINATED);
        assertThat(result.recoveries()).allMatch(r -> r.status() == RecoveryStatus.RECOVERED);
    }

    @Test
    void aWholeFleetRunReadsTheCandidatesWithOneBatchedCallInsteadOfOnePerGroup() {
        for (int i = 0; i < 1_000; i++) {
            cloud.group("us-east-1", String.format("g%04d", i), 2, OPTED_IN);
        }
        cloud.batched = true;
        cloud.replaceAfter(Duration.ofSeconds(10));

        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 3}"));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.terminations()).hasSize(3);
        assertThat(cloud.describeGroupsCalls).singleElement().satisfies(refs -> assertThat(refs).hasSize(1_000));
        // Discovery reads no group on its own; each victim's group is read once, right before its kill (fleet safety).
        assertThat(cloud.describeGroupCalls).as("one read per victim, none per candidate")
                .containsExactlyElementsOf(result.terminations().stream().map(TerminationRecord::group).toList());
    }

    @Test
    void whereTheListingCarriesNoMembersOnlyTheGroupsDrawnAreRead() {
        for (int i = 0; i < 1_000; i++) {
            cloud.group("us-east-1", String.format("g%04d", i), 2, OPTED_IN);
        }
        cloud.replaceAfter(Duration.ofSeconds(10));

        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 3}"));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.terminations()).hasSize(3);
        List<GroupRef> victimsGroups = result.terminations().stream().map(TerminationRecord::group).distinct().toList();
        // drawn on the listing's counts, then the groups drawn read in one call (SPI 1.3 describeListedGroups, whose
        // default is describeGroups); each victim's group read once more right before its kill (fleet safety)
        assertThat(cloud.describeGroupsCalls).singleElement().satisfies(refs -> assertThat(refs).containsExactlyInAnyOrderElementsOf(victimsGroups));
        assertThat(cloud.describeGroupCalls).hasSize(victimsGroups.size() + result.terminations().size());
        RunEvent discovered = result.events().stream().filter(e -> e.type() == GROUPS_DISCOVERED).findFirst().orElseThrow();
        assertThat(discovered.fields()).containsEntry("listed", "1000").containsEntry("eligibleGroups", "1000")
                .containsEntry("eligibleInstances", "2000");
    }

    @Test
    void aGroupDrawnWhoseMembersCannotBeReadIsSkippedWithWhyAndTheDrawIsMadeOnTheOthers() {
        cloud.group("us-east-1", "api", 3, OPTED_IN).group("us-east-1", "web", 3, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        cloud.unreadable.add("api");

        // 4 of the 6 listed members: api is drawn whatever the seed
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 4}, \"guardrails\": {\"minHealthyPercent\": 0}"));

        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.GROUP_SKIPPED).singleElement().satisfies(e -> {
            assertThat(e.field("group")).isEqualTo("sim/us-east-1/api");
            assertThat(e.field("reason")).startsWith("drawn, but its members could not be read")
                    .contains("PERMISSION_DENIED: no read on its members");
        });
        assertThat(result.terminations()).extracting(TerminationRecord::group).extracting(GroupRef::name).containsOnly("web");
    }

    @Test
    void aGroupDrawnOnItsListedCountButDegradedIsReadAndTheDrawMadeAgainOnWhatWasRead() {
        cloud.group("us-east-1", "api", 3, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        // api lists 3 desired but has one healthy member: the draw on 3 is replaced by a draw on what was read
        cloud.loseMembers("us-east-1", "api", 2);

        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 3}, \"guardrails\": {\"minHealthyPercent\": 0}"));

        RunEvent discovered = result.events().stream().filter(e -> e.type() == GROUPS_DISCOVERED).findFirst().orElseThrow();
        assertThat(discovered.fields()).containsEntry("eligibleInstances", "1");
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.VICTIMS_SELECTED).singleElement()
                .satisfies(e -> assertThat(e.field("count")).isEqualTo("1"));
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.VICTIMS_SELECTED).singleElement()
                .satisfies(e -> assertThat(e.field("victims")).endsWith("/i-0001"));
    }

    @Test
    void partsOfTheFleetThatCouldNotBeReadAreAFindingOfTheDiscovery() {
        cloud.group("us-east-1", "api", 3, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        cloud.batched = true;
        cloud.unreachable.add("project shop-prod: zones/us-central1-a");

        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));

        RunEvent discovered = result.events().stream().filter(e -> e.type() == GROUPS_DISCOVERED).findFirst().orElseThrow();
        assertThat(discovered.field("unreachable")).isEqualTo("sim: project shop-prod: zones/us-central1-a");
        assertThat(result.terminations()).hasSize(1);
    }

    @Test
    void aThrottledBatchedReadIsRetriedByTheEngineAsOneCall() {
        cloud.group("us-east-1", "api", 3, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        cloud.batched = true;
        cloud.describeFailures.add(new dev.macaque.spi.ProviderException(dev.macaque.spi.ProviderException.Kind.THROTTLED, "slow down"));

        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(cloud.describeGroupsCalls).hasSize(2);
        // The batched read is part of the provider's listing call (SPI 1.2 listAndDescribeGroups): retried as one.
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.PROVIDER_CALL_RETRY).singleElement()
                .satisfies(e -> assertThat(e.field("operation")).isEqualTo("listGroups"));
    }

    @Test
    void dryRunDecidesAndRecordsEverythingButTerminatesNothing() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 2}, \"dryRun\": true"));
        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.dryRun()).isTrue();
        assertThat(cloud.terminateCalls).hasSize(2).allMatch(TerminationRequest::dryRun);
        assertThat(result.terminations()).extracting(TerminationRecord::status)
                .containsExactly(TerminationStatus.WOULD_TERMINATE, TerminationStatus.WOULD_TERMINATE);
        assertThat(result.recoveries()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecoveryStatus.SKIPPED);
            assertThat(r.detail()).contains("dry run");
        });
        assertThat(types(result)).doesNotContain(VERIFICATION_STARTED);
        assertThat(cloud.memberCount("us-east-1", "api")).isEqualTo(4);
        assertThat(history.lastKill(API)).isEmpty();
    }

    @Test
    void dryRunAppliesTheGuardrailsAsARealRunWould() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 4}, \"dryRun\": true,"
                + "\"guardrails\": {\"minHealthyPercent\": 50}"));
        assertThat(result.terminations()).hasSize(2);
        assertThat(result.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.MIN_HEALTHY, RefusalReason.MIN_HEALTHY);
    }

    @Test
    void theKillSwitchRefusesEveryTermination() {
        cloud.group("us-east-1", "api", 6, OPTED_IN);
        killSwitch.set(true);
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 3}"));
        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.refusals()).hasSize(3).allMatch(r -> r.reason() == RefusalReason.KILL_SWITCH);
        assertThat(types(result).stream().filter(t -> t == TERMINATION_REFUSED)).hasSize(3);
        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    void engagingTheKillSwitchMidRunRefusesTheRest() {
        cloud.group("us-east-1", "api", 10, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        cloud.beforeTerminate = request -> killSwitch.set(true);
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 4}"));
        assertThat(cloud.terminateCalls).hasSize(1);
        assertThat(result.refusals()).hasSize(3).allMatch(r -> r.reason() == RefusalReason.KILL_SWITCH);
    }

    @Test
    void maxTerminationsCapsTheRun() {
        cloud.group("us-east-1", "api", 20, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 5},"
                + "\"guardrails\": {\"maxTerminations\": 2}"));
        assertThat(cloud.terminateCalls).hasSize(2);
        assertThat(result.refusals()).hasSize(3).allMatch(r -> r.reason() == RefusalReason.MAX_TERMINATIONS);
    }

    @Test
    void minHealthyPercentIsCheckedBeforeEachKillAgainstWhatTheRunAlreadyKilled() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 3},"
                + "\"guardrails\": {\"minHealthyPercent\": 50}"));
        // 4 -> 3 -> 2 is allowed; 2 -> 1 would leave less than 50% of 4.
        assertThat(cloud.terminateCalls).hasSize(2);
        assertThat(result.refusals()).singleElement().extracting(Refusal::reason).isEqualTo(RefusalReason.MIN_HEALTHY);
    }

    @Test
    void theLastHealthyInstanceIsNeverKilled() {
        cloud.group("us-east-1", "solo", 1, OPTED_IN);
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1},"
                + "\"guardrails\": {\"minHealthyPercent\": 0, \"minHealthyInstances\": 0}"));
        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.refusals()).singleElement().extracting(Refusal::reason).isEqualTo(RefusalReason.LAST_HEALTHY_INSTANCE);
    }

    @Test
    void minTimeBetweenKillsHoldsAcrossRuns() {
        cloud.group("us-east-1", "api", 10, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        String hourly = "\"selection\": {\"mode\": \"count\", \"value\": 1}, \"guardrails\": {\"minTimeBetweenKills\": \"1h\"}";
        RunResult first = runToEnd(spec(hourly));
        assertThat(first.terminations()).singleElement().extracting(TerminationRecord::status).isEqualTo(TerminationStatus.TERMINATED);
        assertThat(history.lastKill(API)).contains(T0);

        ExperimentRun second = runner.start("run-2", spec(hourly));
        scheduler.runUntilIdle();
        assertThat(second.result().refusals()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.MIN_TIME_BETWEEN_KILLS);
            assertThat(r.message()).contains("minTimeBetweenKills is 1h");
        });

        scheduler.runUntil(T0.plus(Duration.ofHours(1)));
        ExperimentRun third = runner.start("run-3", spec(hourly));
        scheduler.runUntilIdle();
        assertThat(third.result().terminations()).hasSize(1);
        assertThat(cloud.terminateCalls).hasSize(2);
    }

    @Test
    void targetsThatNameProviderRegionAndGroupAreReadDirectlyWithoutListingRegions() {
        cloud.group("us-east-1", "api", 3, OPTED_IN).group("us-east-1", "web", 3, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        // listing would fail the run: the named path must not list at all
        cloud.listFailures.add(new dev.macaque.spi.ProviderException(dev.macaque.spi.ProviderException.Kind.PERMISSION_DENIED, "no list"));

        RunResult result = runToEnd(spec("\"targets\": {\"providers\": [\"sim\"], \"regions\": [\"us-east-1\"],"
                + " \"groups\": [\"api\", \"ghost\"]}, \"selection\": {\"mode\": \"count\", \"value\": 1}"));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(cloud.terminateCalls).extracting(r -> r.group().name()).containsExactly("api");
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.GROUP_SKIPPED).singleElement()
                .satisfies(e -> assertThat(e.field("group")).isEqualTo("sim/us-east-1/ghost"))
                .satisfies(e -> assertThat(e.field("reason")).startsWith("not found during discovery"));
        assertThat(cloud.listFailures).as("listGroups was never called").hasSize(1);
    }

    @Test
    void groupsThatAreNotOptedInAreNeverCandidates() {
        cloud.group("us-east-1", "api", 5, Map.of("macaque-enabled", "false"))
                .group("us-east-1", "web", 5, Map.of("team", "web"))
                .group("us-east-1", "jobs", 5, OPTED_IN).replaceAfter(Duration.ofSeconds(5));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"percent\", \"value\": 100},"
                + "\"guardrails\": {\"minHealthyPercent\": 0, \"maxTerminations\": 100}"));
        assertThat(cloud.terminateCalls).extracting(r -> r.group().name()).containsOnly("jobs").hasSize(4);
        RunEvent discovered = result.events().stream().filter(e -> e.type() == GROUPS_DISCOVERED).findFirst().orElseThrow();
        assertThat(discovered.fields()).containsEntry("listed", "3").containsEntry("notOptedIn", "2")
                .containsEntry("eligibleGroups", "1");
    }

    @Test
    void aGroupWithAnInvalidWeightIsSkippedAndSaysWhy() {
        cloud.group("us-east-1", "api", 5, Map.of("macaque-enabled", "true", "macaque-weight", "heavy"));
        RunResult result = runToEnd(spec("\"selection\": {\"mode\": \"count\", \"value\": 1}"));
        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.GROUP_SKIPPED).singleElement()
                .satisfies(e -> assertThat(e.field("reason")).contains("invalid macaque-weight 'heavy'"));
    }

    @Test
    void theSameSeedReplaysTheSameRunEventForEvent() {
        List<RunEvent> first = replay(99);
        List<RunEvent> second = replay(99);
        assertThat(second).isEqualTo(first);
        assertThat(replay(100)).isNotEqualTo(first);
    }

    private static List<RunEvent> replay(long seed) {
        VirtualTaskScheduler world = new VirtualTaskScheduler(T0);
        ScriptedCloud sim = new ScriptedCloud("sim", world).replaceAfter(Duration.ofSeconds(25));
        for (int i = 0; i < 20; i++) {
            sim.group(i % 2 == 0 ? "us-east-1" : "eu-west-1", "g" + i, 3 + i % 4,
                    Map.of("macaque-enabled", "true", "macaque-weight", Integer.toString(1 + i % 3)));
        }
        sim.terminateFailures.add(new ProviderException(Kind.THROTTLED, "Rate exceeded"));
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(sim), world, new InMemoryRunRecorder(),
                KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 0L);
        ExperimentSpec spec = new ExperimentSpecParser().parse(
                "{\"name\": \"replay\", \"seed\": " + seed + ", \"selection\": {\"mode\": \"count\", \"value\": 6}}");
        ExperimentRun run = runner.start("replay", spec);
        world.runUntilIdle();
        return run.result().events();
    }

    @Test
    void aSpecWithoutASeedGetsOneDrawnAndRecorded() {
        cloud.group("us-east-1", "api", 4, OPTED_IN);
        ExperimentSpec noSeed = parser.parse("{\"name\": \"t\", \"selection\": {\"mode\": \"count\", \"value\": 1}, \"dryRun\": true}");
        RunResult result = runToEnd(noSeed);
        assertThat(result.seed()).isEqualTo(424242L);
        assertThat(result.events().get(0).field("seed")).isEqualTo("424242");
    }
}
