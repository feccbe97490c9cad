package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpClient;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoff;
import com.azure.core.management.AzureEnvironment;
import dev.macaque.engine.ExecutorTaskScheduler;
import dev.macaque.engine.ExperimentRunner;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetLedger;
import dev.macaque.engine.InMemoryKillHistory;
import dev.macaque.engine.ProviderDirectory;
import dev.macaque.engine.RecoveryStatus;
import dev.macaque.engine.Refusal;
import dev.macaque.engine.RefusalReason;
import dev.macaque.engine.RetryPolicy;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunRecorder;
import dev.macaque.engine.RunResult;
import dev.macaque.engine.RunState;
import dev.macaque.engine.TerminationRecord;
import dev.macaque.engine.TerminationStatus;
import dev.macaque.spi.CloudProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A zone experiment through the engine against the loopback ARM stub: Azure zones are "1", "2", "3" per region, and
 * the stub puts a scale set's instances in them in turn (web: 0, 3 in zone 1; solo's one instance is in zone 1 only).
 */
class AzureZoneOutageTest {
    private static final String SUB = "0b1f6471-1bf0-4dda-aec3-111122223333";
    private static final String SPEC = "{\"name\": \"lose-zone-1\", \"seed\": 3, \"targets\": {\"regions\": [\"westeurope\"]},"
            + " \"selection\": {\"mode\": \"zone\", \"zone\": \"1\"}, \"guardrails\": {\"minHealthyPercent\": 50},"
            + " \"recovery\": {\"timeout\": \"20s\", \"pollInterval\": \"100ms\"}}";
    private ArmScaleSetStub arm;
    private HttpClient httpClient;
    private CloudProvider provider;
    private ScheduledExecutorService executor;
    private final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        arm = new ArmScaleSetStub(Duration.ofMillis(200));
        httpClient = new NettyAsyncHttpClientBuilder().build();
        arm.reset()
                .scaleSet(SUB, "rg-web", "web", "westeurope", 6, Map.of("macaque-enabled", "true"), 0)
                .scaleSet(SUB, "rg-solo", "solo", "westeurope", 1, Map.of("macaque-enabled", "true"), 100)
                .scaleSet(SUB, "rg-db", "db", "westeurope", 3, Map.of("team", "db"), 200);
        provider = AzureProviderFactory.create(new TestContext("azure-zones", Map.of("subscriptions", SUB, "pollInterval", "20ms",
                        "operationTimeout", "10s")),
                ArmConnection.pipeline(httpClient, new ExponentialBackoff(1, Duration.ofMillis(10), Duration.ofMillis(50))),
                AzureProviderConfig.withResourceManagerEndpoint(AzureEnvironment.AZURE, arm.baseUrl()));
        executor = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
        provider.close();
        arm.close();
    }

    private RunResult run(RunRecorder recorder) throws Exception {
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(provider),
                new ExecutorTaskScheduler(executor, Clock.systemUTC()), recorder, () -> false, new InMemoryKillHistory(),
                RetryPolicy.DEFAULT, () -> 1L);
        return runner.start("run-1", new ExperimentSpecParser().parse(SPEC)).completion().get(60, TimeUnit.SECONDS);
    }

    @Test
    void theOutageDeletesExactlyTheOptedInInstancesInZoneOneSparesTheSingleZoneSetAndEverySetRecovers() throws Exception {
        RunResult result = run(events::add);

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.terminations()).extracting(TerminationRecord::instanceId).containsExactly("0", "3");
        assertThat(result.terminations()).extracting(TerminationRecord::status).containsOnly(TerminationStatus.TERMINATED);
        assertThat(result.refusals()).extracting(Refusal::instanceId, Refusal::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("100", RefusalReason.LAST_HEALTHY_INSTANCE));
        assertThat(result.terminations()).extracting(TerminationRecord::detail).allSatisfy(detail -> assertThat(detail)
                .contains("in one deleteInstances request (0, 3)", "capacity restored from 4 to 6"));
        String web = "/subscriptions/" + SUB + "/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachineScaleSets/web";
        assertThat(arm.mutations()).as("web's zone-1 instances go in one batch delete, then one capacity update puts both back")
                .containsExactly("POST " + web + "/delete", "PATCH " + web);
        assertThat(arm.deleteInstancesCalls()).containsExactly(List.of("0", "3"));
        assertThat(result.recoveries()).singleElement().satisfies(r -> assertThat(r.status()).isEqualTo(RecoveryStatus.RECOVERED));
        assertThat(arm.capacity(SUB, "rg-web", "web")).isEqualTo(6);
        assertThat(arm.capacity(SUB, "rg-solo", "solo")).isEqualTo(1);
        assertThat(arm.capacity(SUB, "rg-db", "db")).isEqualTo(3);
    }

    @Test
    void aBudgetTooSmallForTheWholeOutageDeletesNothing() throws Exception {
        RunResult result = run(new FleetLedger(events::add, new FleetBudgets(1, 50, 3)));

        assertThat(result.terminations()).isEmpty();
        // groups in name order: rg-solo/solo (single-zone), then rg-web/web (refused whole: 2 kills > 1 an hour)
        assertThat(result.refusals()).extracting(Refusal::reason).containsExactly(RefusalReason.LAST_HEALTHY_INSTANCE,
                RefusalReason.FLEET_BUDGET, RefusalReason.FLEET_BUDGET);
        assertThat(result.refusals().get(1).message()).contains("needs 2 terminations").contains("safety.maxTerminationsPerHour=1");
        assertThat(arm.mutations()).isEmpty();
    }
}
