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
