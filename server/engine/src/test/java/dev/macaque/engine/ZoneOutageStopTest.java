package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.macaque.engine.probe.ProbeEvaluator;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * How a run stops while intents are on record and how it waits for its recorder, in virtual time: what a halt counts
 * and says, what a recorder failure leaves in the result, and what a held outage reads. The fleet: api and web, 4
 * members each over zones a, b (a, b, a, b), never replaced; an outage of zone a takes 2 of each (each keeps 2 of 4,
 * the 50% minimum). The probe "api-served" is api's members / 4, needing 100%: it fails once api lost a member.
 */
class ZoneOutageStopTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Map<String, String> OPTED_IN = Map.of("macaque-enabled", "true");
    private static final GroupRef API = new GroupRef("sim", "us-east-1", "api");
    private static final GroupRef WEB = new GroupRef("sim", "us-east-1", "web");
    private static final String PROBE = "\"steadyState\": {\"probes\": [{\"name\": \"api-served\", \"service\": {\"name\": \"api\","
            + " \"minSuccessPercent\": 100}}], \"every\": \"10s\", \"tolerance\": 1}";

    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final InMemoryRunRecorder events = new InMemoryRunRecorder();
    private final ScriptedCloud cloud = new ScriptedCloud("sim", scheduler);
    private final ExperimentSpecParser parser = new ExperimentSpecParser();
    private final ProbeEvaluator apiServed = ProbeEvaluator.routing(ProbeEvaluator.UNSUPPORTED,
            service -> cloud.memberCount("us-east-1", "api") / 4.0);

    ZoneOutageStopTest() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).zones("us-east-1", "api", "a", "b", "a", "b");
        cloud.group("us-east-1", "web", 4, OPTED_IN).zones("us-east-1", "web", "a", "b", "a", "b");
    }

    private ExperimentRunner runner;

    private RunResult run(RunRecorder recorder, ProbeEvaluator probes, String spec) {
        runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, recorder, new AtomicBoolean()::get,
                new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 1L, probes, StopConditions.NONE);
        ExperimentRun run = runner.start("run-1", parser.parse("{\"name\": \"stop\", \"seed\": 7, " + spec + "}"));
        scheduler.runUntilIdle();
        return run.completion().join();
    }

    private static ProviderException throttled() {
        return new ProviderException(ProviderException.Kind.THROTTLED, "slow down", null, true, Duration.ofSeconds(30));
    }

    /**
     * No pacing, with a third group db (4 over a, b); the plan's order is api, db, web. api's call goes at T0 on the
     * run's own lane, db's beside it on the runner's one shared lane, web's waits. db's is throttled (retry after
     * 30 s); api's kills its 2, so db takes over the run's lane and web's call goes on the shared one, and is
     * throttled too. The probe fails at T0+10s, api having lost 2: the halt abandons db's 2 and web's 2 intents, both
     * waiting to retry, so 4 victims are not terminated (the old count, of groups not yet called only, said 0), and
     * web's shared lane is given back.
     */
    @Test
    void aHaltCountsAndNamesTheOutageGroupsWaitingToRetryTheirCalls() {
        GroupRef db = new GroupRef("sim", "us-east-1", "db");
        cloud.group("us-east-1", "db", 4, OPTED_IN).zones("us-east-1", "db", "a", "b", "a", "b");
        cloud.beforeBatch = group -> {
            if (!group.equals(API)) {
                throw throttled();
            }
        };
        RunResult result = run(events, apiServed, "\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}, " + PROBE);

        assertThat(result.state()).isEqualTo(RunState.HALTED);
        assertThat(cloud.batchCalls).extracting(call -> call.get(0).group()).containsExactly(API, db, WEB);
        assertThat(result.terminations()).extracting(TerminationRecord::group, TerminationRecord::status).containsExactly(
                tuple(API, TerminationStatus.TERMINATED), tuple(API, TerminationStatus.TERMINATED),
                tuple(db, TerminationStatus.ABANDONED), tuple(db, TerminationStatus.ABANDONED),
                tuple(WEB, TerminationStatus.ABANDONED), tuple(WEB, TerminationStatus.ABANDONED));
        assertThat(result.terminations().get(2).detail())
                .isEqualTo("abandoned: the run halted while group sim/us-east-1/db's call was waiting to retry");
        assertThat(result.terminations().get(4).detail())
                .isEqualTo("abandoned: the run halted while group sim/us-east-1/web's call was waiting to retry");
        assertThat(result.failureReason()).contains("4 victims not terminated");
        assertThat(((RunStep.RunHalted) result.events().get(result.events().size() - 1).step()).remaining()).isEqualTo(4);
        assertThat(cloud.memberCount("us-east-1", "web")).isEqualTo(4);
        assertThat(cloud.memberCount("us-east-1", "db")).isEqualTo(4);
        assertThat(runner.outageLanes().free()).as("web's shared lane is given back").isEqualTo(1);
    }

    /**
     * Count 2 of api, no pacing: the first kill goes at T0; the second is throttled (retry after 30 s); the probe
     * fails at T0+10s (3 of 4): the second is abandoned, 1 victim not terminated (the old count said 0), and its
     * record says the run halted, not that it was aborted.
     */
    @Test
    void aHaltCountsTheTerminationWaitingToRetryAndSaysTheRunHalted() {
        AtomicInteger calls = new AtomicInteger();
        cloud.beforeTerminate = request -> {
            if (calls.incrementAndGet() == 2) {
                throw throttled();
            }
        };
        RunResult result = run(events, apiServed, "\"targets\": {\"groups\": [\"api\"]}, "
                + "\"selection\": {\"mode\": \"count\", \"value\": 2}, " + PROBE);

        assertThat(result.state()).isEqualTo(RunState.HALTED);
        assertThat(result.terminations()).extracting(TerminationRecord::status)
                .containsExactly(TerminationStatus.TERMINATED, TerminationStatus.ABANDONED);
        assertThat(result.terminations().get(1).detail()).isEqualTo("abandoned: the run halted while waiting to retry");
        assertThat(result.events()).extracting(RunEvent::step).filteredOn(RunStep.TerminationAbandoned.class::isInstance)
                .extracting(step -> ((RunStep.TerminationAbandoned) step).reason()).containsExactly("the run halted while waiting to retry");
        assertThat(result.failureReason()).contains("1 victim not terminated");
        assertThat(((RunStep.RunHalted) result.events().get(result.events().size() - 1).step()).remaining()).isEqualTo(1);
    }

    /**
     * Paced 60 s: all 4 intents at T0, api called at T0; the recorder fails on the next probe round (T0+10s), before
     * web's turn: the run is FAILED, and web's 2 recorded intents are ABANDONED in its result, saying so, not left
     * IN_PROGRESS; nothing more is sent to the failing recorder.
     */
    @Test
    void aRecorderFailureAbandonsTheOutageIntentsWhoseTurnHadNotComeInTheRunsResult() {
        AtomicBoolean killed = new AtomicBoolean();
        AtomicLong failedSeq = new AtomicLong();
        RunRecorder failing = new RunRecorder() {
            @Override
            public void record(RunEvent event) {
                if (event.type() == RunEventType.TERMINATION_OUTCOME) {
                    killed.set(true);
                } else if (killed.get() && event.type() == RunEventType.PROBE_EVALUATED) {
                    failedSeq.set(event.seq());
                    throw new IllegalStateException("disk full");
                }
                events.record(event);
            }
        };
        RunResult result = run(failing, ProbeEvaluator.routing(ProbeEvaluator.UNSUPPORTED, service -> 1.0),
                "\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}, \"pacing\": {\"between\": \"60s\"}, "
                        + PROBE.replace("api-served", "always"));

        assertThat(result.state()).isEqualTo(RunState.FAILED);
        assertThat(failedSeq.get()).isPositive();
        assertThat(result.failureReason()).startsWith("could not record event " + failedSeq.get() + " (PROBE_EVALUATED)");
        assertThat(result.terminations()).extracting(TerminationRecord::group, TerminationRecord::status).containsExactly(
                tuple(API, TerminationStatus.TERMINATED), tuple(API, TerminationStatus.TERMINATED),
                tuple(WEB, TerminationStatus.ABANDONED), tuple(WEB, TerminationStatus.ABANDONED));
        assertThat(result.terminations().get(3).detail()).isEqualTo("abandoned: the run failed (event " + failedSeq.get()
                + " could not be recorded) before group sim/us-east-1/web's turn: its intent was recorded, the provider never called");
        assertThat(result.terminations().get(3).finishedAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(events.events("run-1")).extracting(RunEvent::type).doesNotContain(RunEventType.TERMINATION_ABANDONED);
        assertThat(cloud.batchCalls).extracting(call -> call.get(0).group()).containsExactly(API);
    }

    /**
     * The recorder can record when the outage begins (look 1), then cannot for the next 5 looks: the one right after
     * the groups are read for the step (T0) and the holds at T0+1s..T0+4s; at T0+5s (look 7) it can: api and web are
     * read once more and their 4 intents recorded then (look 8). Each group is read 3 times in all: by discovery, for
     * the step, and once more after the hold (the old hold read both groups again on every look: 7 times each).
     */
    @Test
    void anOutageHeldForItsRecorderReadsItsGroupsOnceMoreWhenItCanRecordNotOnEveryLook() {
        AtomicInteger looks = new AtomicInteger();
        RunRecorder flaky = new RunRecorder() {
            @Override
            public void record(RunEvent event) {
                events.record(event);
            }

            @Override
            public boolean canRecord() {
                int look = looks.incrementAndGet();
                return look == 1 || look > 6;
            }
        };
        RunResult result = run(flaky, ProbeEvaluator.UNSUPPORTED, "\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}");

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(cloud.describeGroupCalls).containsExactly(API, WEB, API, WEB, API, WEB);
        assertThat(looks.get()).isEqualTo(8);
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.TERMINATION_INTENT).hasSize(4)
                .extracting(RunEvent::time).containsOnly(T0.plusSeconds(5));
        assertThat(result.terminations()).extracting(TerminationRecord::status).containsOnly(TerminationStatus.TERMINATED);
    }
}
