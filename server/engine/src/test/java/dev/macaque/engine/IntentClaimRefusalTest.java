package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A recorder may refuse a termination intent at commit time (the store's minTimeBetweenKills claim). */
class IntentClaimRefusalTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final GroupRef API = new GroupRef("sim", "us-east-1", "api");

    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final InMemoryRunRecorder kept = new InMemoryRunRecorder();
    private final AtomicInteger intentsSeen = new AtomicInteger();
    private final ScriptedCloud cloud = new ScriptedCloud("sim", scheduler);

    @Test
    void aRefusedIntentIsARefusalOfThatVictimAndTheProviderIsNeverCalledForIt() {
        cloud.group("us-east-1", "api", 6, Map.of("macaque-enabled", "true")).replaceAfter(null);
        RunRecorder refusingTheFirstIntent = event -> {
            if (event.type() == RunEventType.TERMINATION_INTENT && intentsSeen.incrementAndGet() == 1) {
                throw new TerminationClaimRefused(RefusalReason.MIN_TIME_BETWEEN_KILLS, "group " + API + " was killed by another node");
            }
            kept.record(event);
        };
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, refusingTheFirstIntent,
                KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 1L);
        ExperimentSpec spec = new ExperimentSpecParser().parse("{\"name\": \"t\", \"seed\": 3, "
                + "\"selection\": {\"mode\": \"count\", \"value\": 2}, \"guardrails\": {\"minHealthyPercent\": 0}, "
                + "\"recovery\": {\"timeout\": \"1m\", \"pollInterval\": \"30s\"}}");

        ExperimentRun run = runner.start("run-1", spec);
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.refusals()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.MIN_TIME_BETWEEN_KILLS);
            assertThat(r.message()).contains("killed by another node");
        });
        assertThat(result.terminations()).singleElement().satisfies(t -> assertThat(t.status()).isEqualTo(TerminationStatus.TERMINATED));
        assertThat(cloud.memberCount("us-east-1", "api")).isEqualTo(5);
        // the refused intent left no trace: the kept events are exactly the run's, numbered without a gap
        assertThat(kept.events("run-1")).isEqualTo(result.events());
        assertThat(result.events()).extracting(RunEvent::seq)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, result.events().size()).boxed().toList());
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.TERMINATION_REFUSED).singleElement()
                .satisfies(e -> assertThat(e.field("reason")).isEqualTo("MIN_TIME_BETWEEN_KILLS"));
    }
}
