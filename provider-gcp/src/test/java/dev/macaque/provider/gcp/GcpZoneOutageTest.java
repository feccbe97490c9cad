package dev.macaque.provider.gcp;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.Instance;
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
 * A zone experiment through the engine against the loopback Compute fake, with {@code terminateAction: recreate}: the
 * members of each MIG in europe-west1-b go in one {@code recreateInstances} call; the zonal MIG that lives in that zone
 * only is spared; the MIG that did not opt in is not touched.
 */
class GcpZoneOutageTest {
    private static final String SPEC = "{\"name\": \"lose-b\", \"seed\": 3,"
            + " \"selection\": {\"mode\": \"zone\", \"zone\": \"europe-west1-b\"}, \"guardrails\": {\"minHealthyPercent\": 50},"
            + " \"recovery\": {\"timeout\": \"20s\", \"pollInterval\": \"100ms\"}}";
    private static final List<String> ZONES = List.of("europe-west1-b", "europe-west1-c", "europe-west1-d");
    private FakeCompute compute;
    private CloudProvider provider;
    private ScheduledExecutorService executor;
    private final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        compute = new FakeCompute(Duration.ofMillis(300));
        String template = compute.globalTemplate("shop-prod", "tpl", Map.of());
        for (Object[] mig : new Object[][] {{"europe-west1", "web", ZONES, 6, true}, {"europe-west1", "api", ZONES, 3, true},
                {"europe-west1-b", "solo", List.of("europe-west1-b"), 2, true}, {"europe-west1", "batch", ZONES, 3, false}}) {
            @SuppressWarnings("unchecked")
            FakeCompute.Mig created = compute.mig("shop-prod", (String) mig[0], (String) mig[1], (List<String>) mig[2], (Integer) mig[3]);
            created.templateUrl = template;
            if ((Boolean) mig[4]) {
                created.allInstancesLabels = Map.of("macaque-enabled", "true");
            }
        }
        provider = new TestProviders().create("gcp-zones", compute.endpoint(),
                Map.of(GcpConfig.PROJECTS, "shop-prod", GcpConfig.TERMINATE_ACTION, "recreate"));
        executor = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
        provider.close();
        compute.close();
    }

    private RunResult run(RunRecorder recorder) throws Exception {
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(provider),
                new ExecutorTaskScheduler(executor, Clock.systemUTC()), recorder, () -> false, new InMemoryKillHistory(),
                RetryPolicy.DEFAULT, () -> 1L);
        return runner.start("run-1", new ExperimentSpecParser().parse(SPEC)).completion().get(60, TimeUnit.SECONDS);
    }

    private List<String> inZoneB(String region, String name) {
        return provider.describeGroup(new GroupRef("gcp-zones", region, name)).healthyInService().stream()
                .filter(i -> i.zone().equals("europe-west1-b")).map(Instance::id).toList();
    }

    @Test
    void theOutageRecreatesExactlyTheOptedInMembersInTheZoneOneCallPerMigAndSparesTheSingleZoneMig() throws Exception {
        List<String> expected = new ArrayList<>(inZoneB("europe-west1", "api"));
        expected.addAll(inZoneB("europe-west1", "web"));
        assertThat(expected).hasSize(3); // api 1 of 3, web 2 of 6
        List<String> batchBefore = inZoneB("europe-west1", "batch");

        RunResult result = run(events::add);

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        assertThat(result.terminations()).extracting(TerminationRecord::instanceId).containsExactlyElementsOf(expected);
        assertThat(result.terminations()).extracting(TerminationRecord::status).containsOnly(TerminationStatus.TERMINATED);
        assertThat(result.refusals()).extracting(r -> r.group().name(), Refusal::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("solo", RefusalReason.LAST_HEALTHY_INSTANCE),
                org.assertj.core.groups.Tuple.tuple("solo", RefusalReason.LAST_HEALTHY_INSTANCE));
        assertThat(compute.requests()).filteredOn(r -> r.endsWith("/recreateInstances")).containsExactly(
                "POST /compute/v1/projects/shop-prod/regions/europe-west1/instanceGroupManagers/api/recreateInstances",
                "POST /compute/v1/projects/shop-prod/regions/europe-west1/instanceGroupManagers/web/recreateInstances");
        assertThat(compute.requests()).noneMatch(r -> r.contains("/batch/recreateInstances") || r.contains("/solo/recreateInstances")
                || r.startsWith("DELETE"));
        assertThat(result.recoveries()).hasSize(2).allSatisfy(r -> assertThat(r.status()).isEqualTo(RecoveryStatus.RECOVERED));
        assertThat(inZoneB("europe-west1", "batch")).isEqualTo(batchBefore);
    }

    @Test
    void aBudgetTooSmallForTheWholeOutageRecreatesNothing() throws Exception {
        RunResult result = run(new FleetLedger(events::add, new FleetBudgets(2, 50, 3)));

        assertThat(result.terminations()).isEmpty();
        assertThat(result.refusals()).filteredOn(r -> r.reason() == RefusalReason.FLEET_BUDGET).hasSize(3)
                .first().satisfies(r -> assertThat(r.message()).contains("needs 3 terminations")
                        .contains("safety.maxTerminationsPerHour=2"));
        assertThat(compute.requests()).noneMatch(r -> r.endsWith("/recreateInstances"));
    }
}
