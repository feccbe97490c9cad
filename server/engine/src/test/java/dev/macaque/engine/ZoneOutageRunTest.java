package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.TerminationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Zone outages ({@code selection: {mode: zone}}) through the real run loop, on a fleet where several things go wrong at
 * once: a group spread over three zones, a single-zone group, a group that would fall below its minimum, a group not
 * opted in, and a group with no member in the zone. Every expected number is counted by hand in the comments.
 */
class ZoneOutageRunTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final Map<String, String> OPTED_IN = Map.of("macaque-enabled", "true");
    private static final GroupRef API = new GroupRef("sim", "us-east-1", "api");
    private static final GroupRef OTHER = new GroupRef("sim", "us-east-1", "other");
    private static final GroupRef SOLO = new GroupRef("sim", "us-east-1", "solo");
    private static final GroupRef TIGHT = new GroupRef("sim", "us-east-1", "tight");

    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final InMemoryRunRecorder events = new InMemoryRunRecorder();
    private final InMemoryKillHistory history = new InMemoryKillHistory();
    private final ScriptedCloud cloud = new ScriptedCloud("sim", scheduler);
    private final ExperimentSpecParser parser = new ExperimentSpecParser();

    /**
     * us-east-1: api 6 (a,b,c,a,b,c), other 3 (b,c,b), solo 2 (a,a), tight 4 (a,a,a,b), web 3 (a,b,c) not opted in;
     * eu-west-1: far 2 (a,b). Zone a of us-east-1: api 2 (keeps 4 of 6, 50% needs 3: killed), solo 2 (keeps 0:
     * single-zone), tight 3 (keeps 1 of 4, 50% needs 2: MIN_HEALTHY); web is not opted in, other has none in a.
     */
    private void fleet() {
        cloud.group("us-east-1", "api", 6, OPTED_IN).zones("us-east-1", "api", "a", "b", "c", "a", "b", "c");
        cloud.group("us-east-1", "other", 3, OPTED_IN).zones("us-east-1", "other", "b", "c", "b");
        cloud.group("us-east-1", "solo", 2, OPTED_IN).zones("us-east-1", "solo", "a", "a");
        cloud.group("us-east-1", "tight", 4, OPTED_IN).zones("us-east-1", "tight", "a", "a", "a", "b");
        cloud.group("us-east-1", "web", 3, Map.of("macaque-enabled", "false")).zones("us-east-1", "web", "a", "b", "c");
        cloud.group("eu-west-1", "far", 2, OPTED_IN).zones("eu-west-1", "far", "a", "b");
        cloud.replaceAfter(Duration.ofSeconds(40));
    }

    private ExperimentSpec spec(String more) {
        return parser.parse("{\"name\": \"zone-a\", \"seed\": 7, \"targets\": {\"regions\": [\"us-east-1\"]}, " + more + "}");
    }

    private RunResult run(RunRecorder recorder, ExperimentSpec spec) {
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, recorder,
                new AtomicBoolean()::get, history, RetryPolicy.DEFAULT, () -> 1L);
        ExperimentRun run = runner.start("run-1", spec);
        scheduler.runUntilIdle();
        return run.completion().join();
    }

    @Test
    void killsExactlyTheOptedInMembersInTheZoneAndSparesTheGroupsAnOutageWouldBreak() {
        fleet();
        RunResult result = run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}"));

        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
        // api's members in a are i-0001 and i-0004; nothing else is touched (far is in eu-west-1, narrowed out)
        assertThat(cloud.terminateCalls).extracting(TerminationRequest::group, TerminationRequest::instanceId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(API, "i-0001"), org.assertj.core.groups.Tuple.tuple(API, "i-0004"));
        assertThat(result.victims()).hasSize(7); // api 2 + solo 2 + tight 3
        assertThat(result.refusals()).extracting(Refusal::group, Refusal::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(SOLO, RefusalReason.LAST_HEALTHY_INSTANCE),
                org.assertj.core.groups.Tuple.tuple(SOLO, RefusalReason.LAST_HEALTHY_INSTANCE),
                org.assertj.core.groups.Tuple.tuple(TIGHT, RefusalReason.MIN_HEALTHY),
                org.assertj.core.groups.Tuple.tuple(TIGHT, RefusalReason.MIN_HEALTHY),
                org.assertj.core.groups.Tuple.tuple(TIGHT, RefusalReason.MIN_HEALTHY));
        assertThat(result.refusals().get(0).message()).startsWith(ZoneOutage.SINGLE_ZONE_FINDING)
                .contains("all 2 healthy members");
        assertThat(result.refusals().get(2).message()).contains("would keep 1 of 4 desired healthy without zone a")
                .contains("minHealthyPercent=50% (2)");
        RunStep.ZoneSelected zone = result.events().stream().map(RunEvent::step)
                .filter(RunStep.ZoneSelected.class::isInstance).map(RunStep.ZoneSelected.class::cast).findFirst().orElseThrow();
        assertThat(zone).isEqualTo(new RunStep.ZoneSelected("a", false, 3, 7, List.of(SOLO, TIGHT)));
        assertThat(result.recoveries()).singleElement().satisfies(r -> {
            assertThat(r.group()).isEqualTo(API);
            assertThat(r.status()).isEqualTo(RecoveryStatus.RECOVERED);
        });
        assertThat(cloud.memberCount("us-east-1", "solo")).isEqualTo(2);
        assertThat(cloud.memberCount("us-east-1", "tight")).isEqualTo(4);
        // the stored form reads back to the same step
        assertThat(RunEventFields.read(RunEventType.ZONE_SELECTED, RunEventFields.of(zone))).isEqualTo(zone);
    }

    @Test
    void aFleetBudgetTooSmallForTheWholeOutageRefusesItWholeWithNothingKilled() {
        fleet();
        // zone b: api 2 (keeps 4) and other 2 (keeps 1 of 3, 50% needs 2: MIN_HEALTHY) and tight 1 (keeps 3 of 4):
        // 3 kills; one an hour is allowed
        FleetLedger ledger = new FleetLedger(events, new FleetBudgets(2, 50, 3));
        RunResult result = run(ledger, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"b\"}"));

        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.terminations()).isEmpty();
        assertThat(result.refusals()).filteredOn(r -> r.reason() == RefusalReason.FLEET_BUDGET)
                .extracting(Refusal::group).containsExactly(API, API, TIGHT);
        assertThat(result.refusals()).filteredOn(r -> r.reason() == RefusalReason.FLEET_BUDGET).first()
                .satisfies(r -> assertThat(r.message()).contains("needs 3 terminations")
                        .contains("safety.maxTerminationsPerHour=2").contains("refused whole"));
        assertThat(result.refusals()).filteredOn(r -> r.group().equals(OTHER))
                .extracting(Refusal::reason).containsExactly(RefusalReason.MIN_HEALTHY, RefusalReason.MIN_HEALTHY);
        assertThat(events.events("run-1")).extracting(RunEvent::type).doesNotContain(RunEventType.TERMINATION_INTENT);
    }

    @Test
    void thePreviewJudgesTheFleetBudgetsForTheWholeOutageAsTheRunDoes() {
        fleet();
        ExperimentSpec spec = spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"b\"}");
        FleetBudgets budgets = new FleetBudgets(2, 50, 3);
        TargetPreview.FleetState state = new TargetPreview.FleetState() {
            @Override
            public java.util.Set<GroupRef> busyGroups() {
                return java.util.Set.of();
            }

            @Override
            public FleetView fleet(Instant now) {
                return new FleetView(Map.of(), 0, 0, java.util.Set.of(), budgets, false, null);
            }
        };
        TargetPreview.Result preview = new TargetPreview(ProviderDirectory.of(cloud), () -> false, history, state)
                .preview(spec, 7, T0);
        RunResult result = run(new FleetLedger(events, budgets), spec);

        assertThat(preview.refusals()).extracting(r -> r.victim().group(), TargetPreview.WouldRefuse::reason,
                TargetPreview.WouldRefuse::message).containsExactlyElementsOf(result.refusals().stream()
                .map(r -> org.assertj.core.groups.Tuple.tuple(r.group(), r.reason(), r.message())).toList());
        assertThat(preview.refusals()).extracting(TargetPreview.WouldRefuse::reason).contains(RefusalReason.FLEET_BUDGET);
    }

    @Test
    void tooManyGroupsDegradedAtOnceRefusesTheOutageWholeNamingTheBudget() {
        fleet();
        FleetLedger ledger = new FleetLedger(events, new FleetBudgets(10, 50, 1));
        RunResult result = run(ledger, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"b\"}"));

        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.refusals()).filteredOn(r -> r.reason() == RefusalReason.FLEET_BUDGET).first()
                .satisfies(r -> assertThat(r.message()).contains("degrades 2 groups")
                        .contains("safety.maxGroupsDegraded=1"));
    }

    @Test
    void anOutageLargerThanMaxTerminationsIsRefusedWhole() {
        fleet();
        RunResult result = run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"b\"},"
                + "\"guardrails\": {\"maxTerminations\": 2}"));
        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.refusals()).filteredOn(r -> r.reason() == RefusalReason.MAX_TERMINATIONS).hasSize(3)
                .first().satisfies(r -> assertThat(r.message()).contains("needs 3 terminations, more than guardrails.maxTerminations=2"));
    }

    @Test
    void aBudgetThatFitsTheOutageLetsEveryKillThrough() {
        fleet();
        FleetLedger ledger = new FleetLedger(events, new FleetBudgets(3, 3, 2));
        RunResult result = run(ledger, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"b\"}"));
        // exactly the budget: 3 kills in 2 groups
        assertThat(cloud.terminateCalls).extracting(TerminationRequest::instanceId)
                .containsExactly("i-0002", "i-0005", "i-0015");
    }

    @Test
    void pacingSpacesGroupsNotTheMembersOfOneGroup() {
        fleet();
        run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"b\"}, \"pacing\": {\"between\": \"30s\"}"));
        assertThat(cloud.terminateCallTimes).containsExactly(T0, T0, T0.plusSeconds(30));
    }

    @Test
    void aRandomZoneIsDrawnFromTheSeedAmongZonesWithEligibleMembers() {
        // the only eligible members are in zone c; the group not opted in has many in zone a
        cloud.group("us-east-1", "api", 3, OPTED_IN).zones("us-east-1", "api", "c", "c", "b");
        cloud.group("us-east-1", "web", 9, Map.of()).zones("us-east-1", "web", "a", "a", "a", "a", "a", "a", "a", "a", "a");
        cloud.replaceAfter(Duration.ofSeconds(10));
        for (long seed = 0; seed < 5; seed++) {
            ZoneOutage plan = ZoneOutage.plan(List.of(
                            FleetGroup.of(cloud.describeGroup(API)),
                            FleetGroup.of(cloud.describeGroup(new GroupRef("sim", "us-east-1", "web")))),
                    ExperimentSpec.Targets.ANY, ExperimentSpec.Selection.zone("random"), ExperimentSpec.Guardrails.DEFAULTS,
                    SeededRandom.stream(seed, "selection"));
            assertThat(plan.zone()).isIn("b", "c");
            assertThat(plan.drawn()).isTrue();
        }
        RunResult first = run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"random\"}"));
        ZoneOutage again = ZoneOutage.plan(List.of(FleetGroup.of(cloud.describeGroup(API))), ExperimentSpec.Targets.ANY,
                ExperimentSpec.Selection.zone("random"), ExperimentSpec.Guardrails.DEFAULTS, SeededRandom.stream(7, "selection"));
        assertThat(first.victims()).extracting(Victim::group).containsOnly(API);
        assertThat(first.events().stream().map(RunEvent::step).filter(RunStep.ZoneSelected.class::isInstance)
                .map(s -> ((RunStep.ZoneSelected) s).zone())).containsExactly(again.zone());
    }

    @Test
    void thePreviewListsTheZoneEveryVictimAndEveryRefusalAsTheRunMakesThem() {
        fleet();
        ExperimentSpec spec = spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}");
        TargetPreview.Result preview = new TargetPreview(ProviderDirectory.of(cloud), () -> false, history,
                TargetPreview.FleetState.NONE).preview(spec, 7, T0);
        assertThat(preview.zoneOutage().zone()).isEqualTo("a");
        RunResult result = run(events, spec);
        assertThat(preview.victims()).isEqualTo(result.victims());
        assertThat(preview.refusals()).extracting(r -> r.victim().group(), TargetPreview.WouldRefuse::reason,
                TargetPreview.WouldRefuse::message).containsExactlyElementsOf(result.refusals().stream()
                .map(r -> org.assertj.core.groups.Tuple.tuple(r.group(), r.reason(), r.message())).toList());
    }

    @Test
    void theSpecSaysWhatIsWrongWithAZoneSelection() {
        assertThatThrownBy(() -> parser.parse("{\"name\": \"z\", \"selection\": {\"mode\": \"zone\"}}"))
                .isInstanceOf(SpecValidationException.class).hasMessageContaining("selection.zone")
                .hasMessageContaining("required for mode zone");
        assertThatThrownBy(() -> parser.parse("{\"name\": \"z\", \"selection\": {\"mode\": \"zone\", \"zone\": \"a\", \"value\": 1}}"))
                .isInstanceOf(SpecValidationException.class).hasMessageContaining("selection.value")
                .hasMessageContaining("not used by mode zone");
        assertThatThrownBy(() -> parser.parse("{\"name\": \"z\", \"selection\": {\"mode\": \"count\", \"value\": 1, \"zone\": \"a\"}}"))
                .isInstanceOf(SpecValidationException.class).hasMessageContaining("selection.zone")
                .hasMessageContaining("only for mode zone");
        assertThatThrownBy(() -> parser.parse("{\"name\": \"z\", \"selection\": {\"mode\": \"zone\", \"zone\": \" \"}}"))
                .isInstanceOf(SpecValidationException.class).hasMessageContaining("non-blank");
        assertThat(parser.parse("{\"name\": \"z\", \"selection\": {\"mode\": \"zone\", \"zone\": \"random\"}}").selection())
                .isEqualTo(ExperimentSpec.Selection.zone("random"));
    }

    @Test
    void everyIntentOfTheOutageIsRecordedBeforeOneBatchCallPerGroupTerminatesItsMembersTogether() {
        fleet();
        cloud.batched = true; // discovery reads every group in one call: describeGroup is the read right before a kill
        RunResult result = run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"b\"}"));

        // zone b: api i-0002, i-0005 in one call, then tight i-0015 in another (other is refused MIN_HEALTHY)
        assertThat(cloud.batchCalls).extracting(call -> call.stream().map(TerminationRequest::instanceId).toList())
                .containsExactly(List.of("i-0002", "i-0005"), List.of("i-0015"));
        List<RunEventType> kills = result.events().stream().map(RunEvent::type)
                .filter(t -> t == RunEventType.TERMINATION_INTENT || t == RunEventType.TERMINATION_OUTCOME).toList();
        // all three intents in one atomic step before any call; then the outcomes, in plan order in virtual time
        assertThat(kills).containsExactly(RunEventType.TERMINATION_INTENT, RunEventType.TERMINATION_INTENT,
                RunEventType.TERMINATION_INTENT, RunEventType.TERMINATION_OUTCOME, RunEventType.TERMINATION_OUTCOME,
                RunEventType.TERMINATION_OUTCOME);
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.TERMINATION_INTENT)
                .extracting(RunEvent::time).containsOnly(T0);
        assertThat(cloud.describeGroupCalls).as("each group read once right before its kills (other is spared before any read)").containsExactly(API, TIGHT);
    }

    @Test
    void minTimeBetweenKillsSpacesOutagesNotTheMembersOneOutageTakesTogether() {
        fleet();
        ExperimentSpec spec = spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}, "
                + "\"guardrails\": {\"minTimeBetweenKills\": \"1h\"}");
        TargetPreview.Result preview = new TargetPreview(ProviderDirectory.of(cloud), () -> false, history,
                TargetPreview.FleetState.NONE).preview(spec, 7, T0);
        RunResult first = run(events, spec);
        assertThat(first.terminations()).extracting(TerminationRecord::instanceId).containsExactly("i-0001", "i-0004");
        assertThat(preview.refusals()).extracting(TargetPreview.WouldRefuse::reason)
                .containsOnly(RefusalReason.LAST_HEALTHY_INSTANCE, RefusalReason.MIN_HEALTHY);
    }

    @Test
    void aMemberThatFailsInTheBatchFailsAloneAndTheOthersAreKilled() {
        fleet();
        cloud.beforeTerminate = request -> {
            if (request.instanceId().equals("i-0004")) {
                throw new dev.macaque.spi.ProviderException(dev.macaque.spi.ProviderException.Kind.PERMISSION_DENIED,
                        "not allowed to terminate i-0004");
            }
        };
        RunResult result = run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}"));
        assertThat(result.terminations()).extracting(TerminationRecord::instanceId, TerminationRecord::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("i-0001", TerminationStatus.TERMINATED),
                org.assertj.core.groups.Tuple.tuple("i-0004", TerminationStatus.FAILED));
        assertThat(result.terminations().get(1).errorMessage()).contains("not allowed to terminate i-0004");
    }

    /**
     * The cloud took i-0004's termination but its end is not known (a retryable failure, as Azure reports a delete
     * whose wait failed): the member is asked again with the same idempotency key, alone, after the policy's backoff,
     * and i-0001, settled by the first call, is not asked again.
     */
    @Test
    void aMemberWhoseOutcomeIsUnknownIsAskedAgainAloneWithTheSameKeyAndTheSettledOnesAreNot() {
        fleet();
        int[] asked = {0};
        cloud.beforeTerminate = request -> {
            if (request.instanceId().equals("i-0004") && asked[0]++ == 0) {
                throw new dev.macaque.spi.ProviderException(dev.macaque.spi.ProviderException.Kind.TRANSIENT,
                        "the cloud accepted the delete, but waiting for its end failed", null, true, null);
            }
        };
        RunResult result = run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}"));

        assertThat(result.terminations()).extracting(TerminationRecord::instanceId, TerminationRecord::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("i-0001", TerminationStatus.TERMINATED),
                org.assertj.core.groups.Tuple.tuple("i-0004", TerminationStatus.TERMINATED));
        assertThat(cloud.batchCalls).extracting(call -> call.stream().map(TerminationRequest::instanceId).toList())
                .containsExactly(List.of("i-0001", "i-0004"), List.of("i-0004"));
        assertThat(cloud.batchCalls.get(1).get(0).idempotencyKey()).isEqualTo(cloud.batchCalls.get(0).get(1).idempotencyKey());
        assertThat(result.events()).filteredOn(e -> e.type() == RunEventType.PROVIDER_CALL_RETRY).singleElement()
                .satisfies(e -> assertThat(e.field("errorMessage")).contains("1 member of sim/us-east-1/api to ask again (i-0004)"));
        assertThat(result.terminations().get(1).attempts()).isEqualTo(2);
    }

    /**
     * api and web 4 each over a, b (a, b, a, b); pacing 60 s; the probe "api-served" fails once api has lost zone a.
     * All 4 intents (api 2, web 2) are recorded in one step at T0; api's call goes at T0; the probe at T0+10s fails
     * and halts the run before web's turn (T0+60s): web's 2 recorded intents end ABANDONED, settled in the fleet
     * ledger, never called; the halt says 2 victims were not terminated.
     */
    @Test
    void aProbeThatFailsAfterTheFirstGroupHaltsTheOutageAndSettlesTheNextGroupsRecordedIntentsNeverExecutingThem() {
        GroupRef web = apiAndWebOverZonesAAndB();
        FleetLedger ledger = new FleetLedger(events, FleetBudgets.UNLIMITED);
        dev.macaque.engine.probe.ProbeEvaluator served = dev.macaque.engine.probe.ProbeEvaluator.routing(
                dev.macaque.engine.probe.ProbeEvaluator.UNSUPPORTED, service -> cloud.memberCount("us-east-1", "api") / 4.0);
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, ledger, new AtomicBoolean()::get,
                history, RetryPolicy.DEFAULT, () -> 1L, served, StopConditions.NONE);
        ExperimentRun run = runner.start("run-1", spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"},"
                + " \"pacing\": {\"between\": \"60s\"}, \"steadyState\": {\"probes\": [{\"name\": \"api-served\","
                + " \"service\": {\"name\": \"api\", \"minSuccessPercent\": 100}}], \"every\": \"10s\", \"tolerance\": 1}"));
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();

        assertThat(result.state()).isEqualTo(RunState.HALTED);
        assertThat(cloud.batchCalls).extracting(call -> call.get(0).group()).containsExactly(API);
        List<RunEvent> intents = result.events().stream().filter(e -> e.type() == RunEventType.TERMINATION_INTENT).toList();
        assertThat(intents).hasSize(4).extracting(RunEvent::time).containsOnly(T0);
        assertThat(result.terminations()).extracting(TerminationRecord::group, TerminationRecord::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(API, TerminationStatus.TERMINATED),
                org.assertj.core.groups.Tuple.tuple(API, TerminationStatus.TERMINATED),
                org.assertj.core.groups.Tuple.tuple(web, TerminationStatus.ABANDONED),
                org.assertj.core.groups.Tuple.tuple(web, TerminationStatus.ABANDONED));
        assertThat(result.terminations().get(2).detail())
                .isEqualTo("abandoned: the run halted before group sim/us-east-1/web's turn: its intent was recorded, the provider never called");
        List<RunStep.TerminationAbandoned> abandoned = result.events().stream().map(RunEvent::step)
                .filter(RunStep.TerminationAbandoned.class::isInstance).map(RunStep.TerminationAbandoned.class::cast).toList();
        assertThat(abandoned).extracting(RunStep.TerminationAbandoned::group).containsExactly(web, web);
        assertThat(abandoned.get(0).reason()).startsWith("the run halted before group sim/us-east-1/web's turn");
        // settled before the halt is recorded, and the ledger holds nothing of web in flight any more
        List<RunEventType> tail = result.events().stream().map(RunEvent::type)
                .dropWhile(t -> t != RunEventType.TERMINATION_ABANDONED).toList();
        assertThat(tail).containsExactly(RunEventType.TERMINATION_ABANDONED, RunEventType.TERMINATION_ABANDONED,
                RunEventType.RUN_HALTED);
        assertThat(ledger.busyGroups("another-run")).doesNotContain(web);
        assertThat(cloud.memberCount("us-east-1", "web")).as("the next group is never killed").isEqualTo(4);
        assertThat(result.failureReason()).contains("probe api-served failed").contains("2 victims not terminated");
        assertThat(((RunStep.RunHalted) result.events().get(result.events().size() - 1).step()).remaining()).isEqualTo(2);
    }

    /**
     * api and web 4 each over a, b; pacing 60 s. All 4 intents recorded at T0 (each group keeps 2 of 4, 50%: allowed);
     * while api is killed, web loses a zone-b member elsewhere: at its turn web has 3 healthy, the outage would leave 1
     * of 4 desired, below 50% (2): its intents are abandoned with that reason, and web is never called.
     */
    @Test
    void aPacedGroupWhoseStateChangedBeforeItsTurnIsReadAgainAndSparedWhenItNowFailsItsGuardrails() {
        GroupRef web = apiAndWebOverZonesAAndB();
        cloud.batched = true; // discovery reads every group in one call: describeGroup is the read right before a kill
        cloud.beforeTerminate = request -> {
            if (request.group().equals(API) && cloud.memberCount("us-east-1", "web") == 4) {
                cloud.loseMembers("us-east-1", "web", 1); // web's i-0008, in zone b
            }
        };
        RunResult result = run(events, spec("\"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}, \"pacing\": {\"between\": \"60s\"}"));

        assertThat(cloud.batchCalls).extracting(call -> call.get(0).group()).containsExactly(API);
        assertThat(result.terminations()).extracting(TerminationRecord::group, TerminationRecord::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(API, TerminationStatus.TERMINATED),
                org.assertj.core.groups.Tuple.tuple(API, TerminationStatus.TERMINATED),
                org.assertj.core.groups.Tuple.tuple(web, TerminationStatus.ABANDONED),
                org.assertj.core.groups.Tuple.tuple(web, TerminationStatus.ABANDONED));
        assertThat(result.terminations().get(2).detail()).contains("group sim/us-east-1/web failed its guardrails when its turn came: MIN_HEALTHY")
                .contains("would keep 1 of 4 desired healthy without zone a");
        assertThat(cloud.describeGroupCalls).as("web read before the step and again at its turn").containsExactly(API, web, web);
        assertThat(cloud.memberCount("us-east-1", "web")).isEqualTo(3);
        assertThat(result.state()).isEqualTo(RunState.COMPLETED);
    }

    /** api and web, 4 members each over zones a, b (a, b, a, b); returns web. */
    private GroupRef apiAndWebOverZonesAAndB() {
        cloud.group("us-east-1", "api", 4, OPTED_IN).zones("us-east-1", "api", "a", "b", "a", "b");
        cloud.group("us-east-1", "web", 4, OPTED_IN).zones("us-east-1", "web", "a", "b", "a", "b");
        return new GroupRef("sim", "us-east-1", "web");
    }
}
