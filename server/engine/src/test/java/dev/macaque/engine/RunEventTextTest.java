package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a step reads for people: one duration form, counts without map syntax, victims as group/instance. */
class RunEventTextTest {
    private static final GroupRef WEB = new GroupRef("sim", "us-east-1", "web");

    @Test
    void durationsReadAsPeopleSayThem() {
        assertThat(RunEventText.line(new RunStep.GroupRecovered(WEB, Duration.ofMillis(2010), 3)))
                .isEqualTo("group=sim/us-east-1/web after=2 s healthyInService=3");
        assertThat(RunEventText.line(new RunStep.TerminationIntent(WEB, "i-1", false, "k", Duration.ofMinutes(15))))
                .isEqualTo("group=sim/us-east-1/web instance=i-1 dryRun=false idempotencyKey=k minTimeBetweenKills=15 min");
    }

    @Test
    void countsByOutcomeAndVictimsReadWithoutMapOrListSyntax() {
        assertThat(RunEventText.line(new RunStep.RunCompleted(3, 1, Map.of(TerminationStatus.TERMINATED, 1L,
                TerminationStatus.FAILED, 1L), Map.of(RecoveryStatus.RECOVERED, 1L))))
                .isEqualTo("victims=3 refused=1 terminations=1 TERMINATED, 1 FAILED recoveries=1 RECOVERED");
        assertThat(RunEventText.line(new RunStep.VictimsSelected(List.of(new Victim(WEB, "i-1"), new Victim(WEB, "i-2")))))
                .isEqualTo("count=2 victims=sim/us-east-1/web/i-1, sim/us-east-1/web/i-2");
    }

    @Test
    void noStepReadsWithAnIsoDurationAMapOrMillisecondsGluedToTheNumber() {
        for (RunStep step : RunEventFieldsTest.oneOfEach()) {
            String line = RunEventText.line(step);
            assertThat(line).as(step.type().name()).doesNotContainPattern("PT\\d").doesNotContainPattern("\\{[A-Z_]+=")
                    .doesNotContainPattern("=\\d+ms\\b").doesNotContain("(s)");
        }
    }
}
