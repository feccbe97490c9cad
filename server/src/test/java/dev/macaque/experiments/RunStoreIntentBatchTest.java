package dev.macaque.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetView;
import dev.macaque.engine.GuardrailDecision;
import dev.macaque.engine.IntentGuard;
import dev.macaque.engine.RefusalReason;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunEventType;
import dev.macaque.engine.RunRecorder.GuardedIntent;
import dev.macaque.engine.RunStep;
import dev.macaque.engine.TerminationClaimRefused;
import dev.macaque.experiments.TerminationReconciler.Reconciliation;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.Database;
import dev.macaque.store.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A zone outage's intents go into the store in one transaction ({@link RunStore#recordIntents}): decided in order
 * against the fleet's record with the batch's earlier intents in it, all kept or none. On H2 and PostgreSQL.
 */
class RunStoreIntentBatchTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final GroupRef API = new GroupRef("tc", "us-east-1", "api");
    private static final GroupRef WEB = new GroupRef("tc", "us-east-1", "web");
    private static final GroupRef OTHER = new GroupRef("tc", "us-east-1", "other");

    @TempDir
    Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", (Function<Path, MacaqueConfig.DatabaseConfig>) TestDatabases::h2),
                Arguments.of("postgresql", (Function<Path, MacaqueConfig.DatabaseConfig>) d -> TestDatabases.postgres()));
    }

    private static RunEvent intent(String run, long seq, GroupRef group, String instance, Duration minTime) {
        return new RunEvent(run, seq, T0, new RunStep.TerminationIntent(group, instance, false, run + "-" + seq, minTime));
    }

    /** The fleet budgets as any intent's guard checks them, noting every view it was shown. */
    private static IntentGuard budgets(List<FleetView> seen) {
        return view -> {
            seen.add(view);
            if (view.terminationsLastHour() >= view.budgets().maxTerminationsPerHour()) {
                return new GuardrailDecision.Refused(RefusalReason.FLEET_BUDGET, "the fleet already had "
                        + view.terminationsLastHour() + " real terminations in the last hour");
            }
            return GuardrailDecision.ALLOWED;
        };
    }

    /**
     * Budget 3 an hour. run-x killed 1 in "other". The outage run-z needs 3 (api 2 with minTimeBetweenKills 1h on its
     * first, web 1): its third intent sees 1 + 2 = 3 and is refused, so none is kept — no row, no event, no claim on
     * api's last kill. Its first 2 fit and are kept together, each seeing the ones before; after them the hour is full.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aBatchIsKeptWholeOrNotAtAllAndTheBudgetCountsEveryIntentOfIt(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        try (Database database = Database.open(config.apply(dir))) {
            RunStore store = new RunStore(database, new ObjectMapper(), "local", Duration.ofMinutes(5), new FleetBudgets(3, 50, 5));
            for (String run : List.of("run-x", "run-y", "run-z")) {
                store.create(run, run, 1, false, "test", T0, "{}", null, null);
            }
            store.recordIntent(intent("run-x", 1, OTHER, "o-1", Duration.ZERO), view -> GuardrailDecision.ALLOWED);
            List<FleetView> seen = new ArrayList<>();
            IntentGuard guard = budgets(seen);
            List<GuardedIntent> outage = List.of(new GuardedIntent(intent("run-z", 1, API, "a-1", Duration.ofHours(1)), guard),
                    new GuardedIntent(intent("run-z", 2, API, "a-2", Duration.ZERO), guard),
                    new GuardedIntent(intent("run-z", 3, WEB, "w-1", Duration.ZERO), guard));

            assertThatThrownBy(() -> store.recordIntents(outage)).isInstanceOf(TerminationClaimRefused.class)
                    .hasMessage("the fleet already had 3 real terminations in the last hour")
                    .satisfies(e -> assertThat(((TerminationClaimRefused) e).reason()).isEqualTo(RefusalReason.FLEET_BUDGET));
            assertThat(seen).extracting(FleetView::terminationsLastHour).containsExactly(1, 2, 3);
            assertThat(seen.get(1).inFlight()).as("api's first intent is in flight for its second").containsEntry("a-1", "run-z");
            assertThat(seen.get(1).lastKill()).as("claimed by the first intent, in the same transaction").isEqualTo(T0);
            assertThat(seen.get(2).degradedGroups()).containsExactlyInAnyOrder(OTHER, API);
            assertThat(store.openIntents("run-z")).isEmpty();
            assertThat(store.events("run-z", 0)).isEmpty();
            assertThat(store.lastKill(API)).as("the refused batch claimed nothing").isEmpty();
            assertThat(store.fleetCounts(T0).terminationsLastHour()).isEqualTo(1);

            seen.clear();
            store.recordIntents(outage.subList(0, 2));
            assertThat(seen).extracting(FleetView::terminationsLastHour).containsExactly(1, 2);
            assertThat(store.openIntents("run-z")).extracting(RunStore.OpenIntent::instanceId).containsExactly("a-1", "a-2");
            assertThat(store.events("run-z", 0)).extracting(RunEvent::type)
                    .containsExactly(RunEventType.TERMINATION_INTENT, RunEventType.TERMINATION_INTENT);
            assertThat(store.fleetCounts(T0).terminationsLastHour()).isEqualTo(3);
            assertThat(store.busyGroups("run-y")).containsExactlyInAnyOrder(OTHER, API);
            assertThatThrownBy(() -> store.recordIntent(intent("run-y", 1, WEB, "w-1", Duration.ZERO), budgets(new ArrayList<>())))
                    .isInstanceOf(TerminationClaimRefused.class).hasMessageContaining("already had 3");
        }
    }

    /**
     * A crash after an outage's step and before all its calls returned: the restarted store finds every intent of the
     * step open, and closing the run reconciles each one once (the killed one TERMINATED, the one never called
     * NOT_TERMINATED) — none lost, none repeated — and the abandoned recorded intent settles with its reason.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCrashAfterTheStepLeavesEveryIntentOpenAndTheTakeoverReconcilesEachOnce(String name,
            Function<Path, MacaqueConfig.DatabaseConfig> config) {
        MacaqueConfig.DatabaseConfig db = config.apply(dir);
        try (Database database = Database.open(db)) {
            RunStore store = new RunStore(database, new ObjectMapper());
            store.create("run-z", "zone", 1, false, "test", T0, "{}", null, null);
            store.recordIntents(List.of(new GuardedIntent(intent("run-z", 1, API, "a-1", Duration.ZERO), view -> GuardrailDecision.ALLOWED),
                    new GuardedIntent(intent("run-z", 2, API, "a-2", Duration.ZERO), view -> GuardrailDecision.ALLOWED),
                    new GuardedIntent(intent("run-z", 3, WEB, "w-1", Duration.ZERO), view -> GuardrailDecision.ALLOWED)));
            store.record(new RunEvent("run-z", 4, T0.plusSeconds(1), new RunStep.TerminationAbandoned(WEB, "w-1",
                    "the run halted before group tc/us-east-1/web's turn")));
        }
        try (Database database = Database.open(db)) {
            RunStore restarted = new RunStore(database, new ObjectMapper());
            List<RunStore.OpenIntent> open = restarted.openIntents("run-z");
            assertThat(open).extracting(RunStore.OpenIntent::instanceId).containsExactly("a-1", "a-2");
            Map<RunStore.OpenIntent, Reconciliation> answers = Map.of(
                    open.get(0), new Reconciliation(Reconciliation.TERMINATED, "gone"),
                    open.get(1), new Reconciliation(Reconciliation.NOT_TERMINATED, "still running"));
            assertThat(restarted.closeIfAbandoned("run-z", T0.plusSeconds(60), RunStore.Abandoned.EVERY_UNFINISHED, answers,
                    results -> results.size() + " intents reconciled")).isTrue();

            assertThat(restarted.openIntents("run-z")).isEmpty();
            List<RunStep> reconciled = restarted.events("run-z", 0).stream().map(RunEvent::step)
                    .filter(RunStep.TerminationReconciled.class::isInstance).toList();
            assertThat(reconciled).extracting(s -> ((RunStep.TerminationReconciled) s).instance(),
                    s -> ((RunStep.TerminationReconciled) s).outcome()).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("a-1", Reconciliation.TERMINATED),
                    org.assertj.core.groups.Tuple.tuple("a-2", Reconciliation.NOT_TERMINATED));
            assertThat(restarted.terminations("run-z")).hasSize(3);
            assertThat(restarted.busyGroups("another")).as("every kill of the closed run settled").isEmpty();
            assertThat(restarted.closeIfAbandoned("run-z", T0.plusSeconds(61), RunStore.Abandoned.EVERY_UNFINISHED, Map.of(),
                    results -> "again")).as("closed once").isFalse();
        }
    }
}
