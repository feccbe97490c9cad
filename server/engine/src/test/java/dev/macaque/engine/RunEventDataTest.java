package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The typed {@code data} of every event type, pinned as the JSON a consumer reads. */
class RunEventDataTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line per step of {@link RunEventFieldsTest#oneOfEach()}, in its order: TYPE json. */
    private static final List<String> EXPECTED = List.of(
            "RUN_CREATED {\"experiment\":\"exp\",\"seed\":42,\"dryRun\":true}",
            "RUN_STARTED {\"experiment\":\"exp\",\"seed\":9007199254740991,\"dryRun\":false,\"selection\":\"percent 12.5\"}",
            "PROVIDER_CALL_RETRY {\"operation\":\"listGroups\",\"provider\":\"sim\",\"attempt\":1,\"errorKind\":\"THROTTLED\",\"errorMessage\":\"slow down\",\"retryInSeconds\":0.25}",
            "PROVIDER_CALL_RETRY {\"operation\":\"terminate\",\"group\":\"azure-prod/westeurope/rg-shop/vmss-web\",\"instance\":\"3\",\"attempt\":2,\"errorKind\":\"UNAVAILABLE\",\"errorMessage\":\"\",\"retryInSeconds\":2}",
            "GROUP_SKIPPED {\"group\":\"sim/us-east-1/web\",\"reason\":\"not found during discovery: gone\"}",
            "PROVIDER_UNAVAILABLE {\"provider\":\"aws-prod\",\"reason\":\"listGroups failed after 4 attempts: PERMISSION_DENIED: no credentials\"}",
            "GROUPS_DISCOVERED {\"listed\":3,\"notOptedIn\":1,\"candidates\":2,\"eligibleGroups\":2,\"eligibleInstances\":9,\"unreachable\":[]}",
            "GROUPS_DISCOVERED {\"listed\":3,\"notOptedIn\":1,\"candidates\":2,\"eligibleGroups\":2,\"eligibleInstances\":9,\"unreachable\":[\"gcp: zones/us-east1-b\",\"gcp: zones/us-east1-c\"]}",
            "PROVIDER_CALL_RETRY {\"operation\":\"describeGroups\",\"provider\":\"aws\",\"groups\":100,\"attempt\":1,\"errorKind\":\"THROTTLED\",\"errorMessage\":\"Rate exceeded\",\"retryInSeconds\":1}",
            "VICTIMS_SELECTED {\"count\":2,\"victims\":[{\"group\":\"sim/us-east-1/web\",\"instanceId\":\"i-1\"},{\"group\":\"azure-prod/westeurope/rg-shop/vmss-web\",\"instanceId\":\"7\"}]}",
            "VICTIMS_SELECTED {\"count\":0,\"victims\":[]}",
            "ZONE_SELECTED {\"zone\":\"us-east-1a\",\"drawn\":true,\"groups\":3,\"members\":7,\"refusedGroups\":[\"sim/us-east-1/web\",\"azure-prod/westeurope/rg-shop/vmss-web\"]}",
            "ZONE_SELECTED {\"zone\":\"2\",\"drawn\":false,\"groups\":0,\"members\":0,\"refusedGroups\":[]}",
            "TERMINATION_REFUSED {\"group\":\"sim/us-east-1/web\",\"instance\":\"i-2\",\"reason\":\"MIN_HEALTHY\",\"message\":\"would leave 1 of 3\"}",
            "TERMINATION_INTENT {\"group\":\"sim/us-east-1/web\",\"instance\":\"i-1\",\"dryRun\":false,\"idempotencyKey\":\"run-1-0\",\"minTimeBetweenKillsSeconds\":900}",
            "TERMINATION_OUTCOME {\"group\":\"sim/us-east-1/web\",\"instance\":\"i-1\",\"outcome\":\"TERMINATED\",\"attempts\":1,\"detail\":\"terminating\"}",
            "TERMINATION_FAILED {\"group\":\"azure-prod/westeurope/rg-shop/vmss-web\",\"instance\":\"7\",\"attempts\":4,\"errorKind\":\"THROTTLED\",\"errorMessage\":\"429, retry later\"}",
            "TERMINATION_ABANDONED {\"group\":\"sim/us-east-1/web\",\"instance\":\"i-3\",\"reason\":\"the run halted before its group's turn\"}",
            "TERMINATION_RECONCILED {\"group\":\"sim/us-east-1/web\",\"instance\":\"i-4\",\"outcome\":\"TERMINATED\",\"detail\":\"the provider no longer has it in service\"}",
            "VERIFICATION_STARTED {\"groups\":[\"sim/us-east-1/web\",\"azure-prod/westeurope/rg-shop/vmss-web\"],\"timeoutSeconds\":600,\"pollIntervalSeconds\":5}",
            "HEALTH_CHECKED {\"group\":\"sim/us-east-1/web\",\"healthyInService\":2,\"desiredCapacity\":3,\"target\":3}",
            "HEALTH_CHECK_FAILED {\"group\":\"sim/us-east-1/web\",\"error\":\"UNAVAILABLE: down\"}",
            "GROUP_RECOVERED {\"group\":\"sim/us-east-1/web\",\"afterSeconds\":61.5,\"healthyInService\":3}",
            "GROUP_NOT_RECOVERED {\"group\":\"azure-prod/westeurope/rg-shop/vmss-web\",\"timeoutSeconds\":3600,\"lastHealthy\":-1,\"target\":2}",
            "RUN_COMPLETED {\"victims\":2,\"refused\":1,\"terminations\":{\"TERMINATED\":2,\"FAILED\":1},\"recoveries\":{\"RECOVERED\":1}}",
            "RUN_COMPLETED {\"victims\":0,\"refused\":0,\"terminations\":{},\"recoveries\":{}}",
            "RUN_FAILED {\"reason\":\"discovery failed\"}",
            "RUN_ABORTED {\"reason\":\"stop\"}",
            "PROBE_EVALUATED {\"probe\":\"checkout-ok\",\"phase\":\"BEFORE\",\"passed\":true,\"observed\":\"HTTP 200 in 12ms\",\"detail\":\"\",\"consecutiveFailures\":0}",
            "PROBE_EVALUATED {\"probe\":\"error-rate\",\"phase\":\"DURING\",\"passed\":false,\"observed\":\"7.5\",\"detail\":\"7.5 is above max 5\",\"consecutiveFailures\":2}",
            "STEADY_AGAIN {\"afterSeconds\":95}",
            "RUN_NOT_STEADY {\"probe\":\"checkout-ok\",\"observed\":\"HTTP 503 in 4ms\",\"detail\":\"status 503 is not one of [200]\"}",
            "RUN_HALTED {\"probe\":\"api-served\",\"observed\":\"97.5%\",\"detail\":\"service api served 97.5% of requests\",\"failures\":2,\"remaining\":2}");

    @Test
    void everyStepHasItsTypedJsonWithNumbersBooleansArraysAndObjects() throws Exception {
        List<RunStep> steps = RunEventFieldsTest.oneOfEach();
        List<String> actual = new java.util.ArrayList<>();
        for (RunStep step : steps) {
            actual.add(step.type().name() + " " + JSON.writeValueAsString(RunEventData.of(step)));
        }
        assertThat(actual).containsExactlyElementsOf(EXPECTED);
    }

    @Test
    void everyEventTypeIsPinnedAbove() {
        Set<RunEventType> pinned = EXPECTED.stream().map(line -> RunEventType.valueOf(line.substring(0, line.indexOf(' '))))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(RunEventType.class)));
        assertThat(pinned).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(RunEventType.class));
    }

    @Test
    void durationsAreSecondsExactToTheMillisecond() {
        assertThat(RunEventData.seconds(Duration.ofMillis(2010))).hasToString("2.01");
        assertThat(RunEventData.seconds(Duration.ofMinutes(15))).hasToString("900");
        assertThat(RunEventData.seconds(Duration.ZERO)).hasToString("0");
    }
}
