package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.engine.RunStep.GroupNotRecovered;
import dev.macaque.engine.RunStep.GroupRecovered;
import dev.macaque.engine.RunStep.GroupSkipped;
import dev.macaque.engine.RunStep.GroupsDiscovered;
import dev.macaque.engine.RunStep.HealthCheckFailed;
import dev.macaque.engine.RunStep.HealthChecked;
import dev.macaque.engine.RunStep.ProviderCallRetry;
import dev.macaque.engine.RunStep.RunAborted;
import dev.macaque.engine.RunStep.RunCompleted;
import dev.macaque.engine.RunStep.RunCreated;
import dev.macaque.engine.RunStep.RunFailed;
import dev.macaque.engine.RunStep.RunStarted;
import dev.macaque.engine.RunStep.TerminationAbandoned;
import dev.macaque.engine.RunStep.TerminationFailed;
import dev.macaque.engine.RunStep.TerminationIntent;
import dev.macaque.engine.RunStep.TerminationOutcome;
import dev.macaque.engine.RunStep.TerminationRefused;
import dev.macaque.engine.RunStep.VerificationStarted;
import dev.macaque.engine.RunStep.VictimsSelected;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The one mapping between typed run steps and their stored form: every kind round-trips, and the form is pinned. */
class RunEventFieldsTest {
    private static final GroupRef WEB = new GroupRef("sim", "us-east-1", "web");
    private static final GroupRef AZURE = new GroupRef("azure-prod", "westeurope", "rg-shop/vmss-web");

    static List<RunStep> oneOfEach() {
        return List.of(
                new RunCreated("exp", 42L, true),
                new RunStarted("exp", 9_007_199_254_740_991L, false, "percent 12.5"),
                new ProviderCallRetry("listGroups", "sim", null, null, null, 1, "THROTTLED", "slow down", Duration.ofMillis(250)),
                new ProviderCallRetry("terminate", null, null, AZURE, "3", 2, "UNAVAILABLE", "", Duration.ofSeconds(2)),
                new GroupSkipped(WEB, "not found during discovery: gone"),
                new RunStep.ProviderUnavailable("aws-prod", "listGroups failed after 4 attempts: PERMISSION_DENIED: no credentials"),
                new GroupsDiscovered(3, 1, 2, 2, 9),
                new GroupsDiscovered(3, 1, 2, 2, 9, List.of("gcp: zones/us-east1-b", "gcp: zones/us-east1-c")),
                new ProviderCallRetry("describeGroups", "aws", 100, null, null, 1, "THROTTLED", "Rate exceeded", Duration.ofSeconds(1)),
                new VictimsSelected(List.of(new Victim(WEB, "i-1"), new Victim(AZURE, "7"))),
                new VictimsSelected(List.of()),
                new RunStep.ZoneSelected("us-east-1a", true, 3, 7, List.of(WEB, AZURE)),
                new RunStep.ZoneSelected("2", false, 0, 0, List.of()),
                new TerminationRefused(WEB, "i-2", RefusalReason.MIN_HEALTHY, "would leave 1 of 3"),
                new TerminationIntent(WEB, "i-1", false, "run-1-0", Duration.ofMinutes(15)),
                new TerminationOutcome(WEB, "i-1", TerminationStatus.TERMINATED, 1, "terminating"),
                new TerminationFailed(AZURE, "7", 4, "THROTTLED", "429, retry later"),
                new TerminationAbandoned(WEB, "i-3", "the run halted before its group's turn"),
                new RunStep.TerminationReconciled(WEB, "i-4", "TERMINATED", "the provider no longer has it in service"),
                new VerificationStarted(List.of(WEB, AZURE), Duration.ofMinutes(10), Duration.ofSeconds(5)),
                new HealthChecked(WEB, 2, 3, 3),
                new HealthCheckFailed(WEB, "UNAVAILABLE: down"),
                new GroupRecovered(WEB, Duration.ofMillis(61_500), 3),
                new GroupNotRecovered(AZURE, Duration.ofHours(1), -1, 2),
                new RunCompleted(2, 1, Map.of(TerminationStatus.FAILED, 1L, TerminationStatus.TERMINATED, 2L),
                        Map.of(RecoveryStatus.RECOVERED, 1L)),
                new RunCompleted(0, 0, Map.of(), Map.of()),
                new RunFailed("discovery failed"),
                new RunAborted("stop"),
                new RunStep.ProbeEvaluated("checkout-ok", RunStep.ProbeEvaluated.Phase.BEFORE, true, "HTTP 200 in 12ms", "", 0),
                new RunStep.ProbeEvaluated("error-rate", RunStep.ProbeEvaluated.Phase.DURING, false, "7.5",
                        "7.5 is above max 5", 2),
                new RunStep.SteadyAgain(Duration.ofSeconds(95)),
                new RunStep.RunNotSteady("checkout-ok", "HTTP 503 in 4ms", "status 503 is not one of [200]"),
                new RunStep.RunHalted("api-served", "97.5%", "service api served 97.5% of requests", 2, 2));
    }

    @Test
    void everyStepReadsBackToItself() {
        for (RunStep step : oneOfEach()) {
            Map<String, String> fields = RunEventFields.of(step);
            assertThat(RunEventFields.read(step.type(), fields)).as(step.type().name()).isEqualTo(step);
        }
    }

    @Test
    void everyEventTypeHasAStep() {
        Set<RunEventType> covered = oneOfEach().stream().map(RunStep::type).collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(RunEventType.class));
    }

    @Test
    void theStoredFormKeepsItsFieldOrderAndTexts() {
        assertThat(RunEventFields.of(new TerminationIntent(WEB, "i-1", false, "run-1-0", Duration.ofMinutes(15))))
                .containsExactly(Map.entry("group", "sim/us-east-1/web"), Map.entry("instance", "i-1"),
                        Map.entry("dryRun", "false"), Map.entry("idempotencyKey", "run-1-0"),
                        Map.entry("minTimeBetweenKills", "15m"));
        assertThat(RunEventFields.of(new RunCompleted(2, 1,
                Map.of(TerminationStatus.FAILED, 1L, TerminationStatus.TERMINATED, 2L), Map.of())))
                .containsEntry("terminations", "{TERMINATED=2, FAILED=1}").containsEntry("recoveries", "{}");
        assertThat(RunEventFields.of(new ProviderCallRetry("describeGroup", null, null, WEB, null, 1, "THROTTLED", "x",
                Duration.ofMillis(1500)))).containsExactly(Map.entry("operation", "describeGroup"),
                Map.entry("group", "sim/us-east-1/web"), Map.entry("attempt", "1"), Map.entry("errorKind", "THROTTLED"),
                Map.entry("errorMessage", "x"), Map.entry("retryIn", "1500ms"));
        assertThat(RunEventFields.of(new TerminationOutcome(WEB, "i-1", TerminationStatus.TERMINATED, 1, null)))
                .containsEntry("detail", "");
    }

    @Test
    void aProbeEvaluationKeepsItsFieldOrder() {
        assertThat(RunEventFields.of(new RunStep.ProbeEvaluated("error-rate", RunStep.ProbeEvaluated.Phase.DURING, false,
                "7.5", "7.5 is above max 5", 2))).containsExactly(Map.entry("probe", "error-rate"),
                Map.entry("phase", "DURING"), Map.entry("passed", "false"), Map.entry("observed", "7.5"),
                Map.entry("detail", "7.5 is above max 5"), Map.entry("consecutiveFailures", "2"));
        assertThat(RunEventFields.of(new RunStep.RunHalted("p", "none", "no answer", 3, 2)))
                .containsExactly(Map.entry("probe", "p"), Map.entry("observed", "none"), Map.entry("detail", "no answer"),
                        Map.entry("failures", "3"), Map.entry("remaining", "2"));
    }

    @Test
    void aStoredFormThatIsNotOneSaysWhichFieldIsWrong() {
        assertThatThrownBy(() -> RunEventFields.read(RunEventType.TERMINATION_INTENT, Map.of("group", "sim/r/web")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TERMINATION_INTENT")
                .hasMessageContaining("'instance' is missing");
        assertThatThrownBy(() -> RunEventFields.read(RunEventType.GROUP_SKIPPED, Map.of("group", "web", "reason", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a group reference");
    }
}
