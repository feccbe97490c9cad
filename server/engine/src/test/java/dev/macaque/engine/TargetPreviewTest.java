package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.Eligibility.Exclusion;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TargetPreviewTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final InMemoryRunRecorder recorder = new InMemoryRunRecorder();
    private final InMemoryKillHistory history = new InMemoryKillHistory();
    private final AtomicBoolean killSwitch = new AtomicBoolean();
    private final ScriptedCloud cloud = new ScriptedCloud("sim", scheduler);
    private final ExperimentSpecParser parser = new ExperimentSpecParser();

    private static Map<String, String> optedIn(int weight) {
        return Map.of("macaque-enabled", "true", "macaque-weight", Integer.toString(weight), "team", "storefront");
    }

    private void demoFleet() {
        cloud.group("us-east-1", "web", 6, optedIn(3))
                .group("us-east-1", "api", 4, optedIn(2))
                .group("us-east-1", "cache", 3, optedIn(1))
                .group("us-east-1", "db", 2, Map.of("macaque-enabled", "false", "team", "data"))
                .group("eu-west-1", "eu-web", 3, Map.of("macaque-enabled", "true", "team", "edge"));
    }

    private TargetPreview preview(ProviderDirectory directory) {
        return new TargetPreview(directory, killSwitch::get, history, TargetPreview.FleetState.NONE);
    }

    private RunResult run(ProviderDirectory directory, ExperimentSpec spec) {
        ExperimentRunner runner = new ExperimentRunner(directory, scheduler, recorder, killSwitch::get, history,
                RetryPolicy.DEFAULT, () -> 99L);
        ExperimentRun run = runner.start("run-" + spec.seed(), spec);
        scheduler.runUntilIdle();
        return run.completion().join();
    }

    @Test
    void thePreviewsVictimsAndRefusalsAreThoseOfARunWithTheSameSeedOnAnUnchangedFleet() {
        demoFleet();
        ProviderDirectory directory = ProviderDirectory.of(cloud);
        List<String> selections = List.of("{\"mode\": \"count\", \"value\": 5}", "{\"mode\": \"percent\", \"value\": 40}",
                "{\"mode\": \"perGroup\", \"value\": 0.5}");
        for (String selection : selections) {
            for (long seed = 1; seed <= 25; seed++) {
                ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"dryRun\": true, \"seed\": " + seed
                        + ", \"selection\": " + selection + ", \"guardrails\": {\"maxTerminations\": 3}}");
                TargetPreview.Result preview = preview(directory).preview(spec, seed, scheduler.now());
                RunResult run = run(directory, spec);

                assertThat(preview.victims()).as("seed %d, %s", seed, selection).isEqualTo(run.victims());
                assertThat(preview.refusals()).extracting(r -> r.victim().group(), r -> r.victim().instanceId(),
                                TargetPreview.WouldRefuse::reason, TargetPreview.WouldRefuse::message)
                        .as("seed %d, %s", seed, selection)
                        .containsExactlyElementsOf(run.refusals().stream().map(r -> org.assertj.core.groups.Tuple.tuple(
                                r.group(), r.instanceId(), r.reason(), r.message())).toList());
            }
        }
    }

    @Test
    void whereTheListingCarriesNoMembersAPreviewReadsOnlyTheDrawnGroupsAndPicksTheVictimsOfAFullReadAndOfTheRun() {
        for (int i = 0; i < 40; i++) {
            cloud.group(i % 2 == 0 ? "us-east-1" : "eu-west-1", String.format("svc-%02d", i), 2 + i % 4, optedIn(1 + i % 3));
        }
        ProviderDirectory directory = ProviderDirectory.of(cloud);
        for (long seed = 1; seed <= 30; seed++) {
            if (seed == 16) {
                // from here one group lists more members than it has: a draw on the listed counts may fall on a member
                // it lacks, and the preview must read it and draw again, as the run does
                cloud.loseMembers("eu-west-1", "svc-07", 3);
            }
            ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"dryRun\": true, \"seed\": " + seed
                    + ", \"selection\": {\"mode\": \"count\", \"value\": 3}}");
            cloud.batched = true; // the listing carries every member: a full read
            TargetPreview.Result full = preview(directory).preview(spec, seed, scheduler.now());
            cloud.batched = false;
            cloud.describeGroupCalls.clear();
            TargetPreview.Result listed = preview(directory).preview(spec, seed, scheduler.now());
            List<GroupRef> read = List.copyOf(cloud.describeGroupCalls);
            RunResult run = run(directory, spec);

            assertThat(listed.victims()).as("seed %d", seed).isEqualTo(run.victims());
            assertThat(read).as("seed %d: each group read once", seed).doesNotHaveDuplicates();
            assertThat(listed.eligible()).filteredOn(TargetPreview.EligibleGroup::membersRead)
                    .extracting(TargetPreview.EligibleGroup::group).containsExactlyInAnyOrderElementsOf(read);
            if (seed < 16) {
                // at rest the listed counts are right: the victims of a full read, and only their groups read
                assertThat(listed.victims()).as("seed %d", seed).isEqualTo(full.victims());
                assertThat(read).as("seed %d", seed).containsExactlyInAnyOrderElementsOf(
                        listed.victims().stream().map(Victim::group).distinct().toList());
                assertThat(listed.eligible()).hasSize(full.eligible().size());
            } else {
                assertThat(listed.victims()).extracting(Victim::group).allSatisfy(g -> assertThat(read).contains(g));
            }
        }
    }

    @Test
    void aRealRunsOwnKillsCountForMinTimeBetweenKillsAsTheRunCountsThem() {
        cloud.group("us-east-1", "api", 6, optedIn(1)).replaceAfter(Duration.ofSeconds(5));
        ProviderDirectory directory = ProviderDirectory.of(cloud);
        ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"seed\": 3, \"selection\": {\"mode\": \"count\", \"value\": 2},"
                + "\"guardrails\": {\"minTimeBetweenKills\": \"1h\"}, \"recovery\": {\"timeout\": \"5m\", \"pollInterval\": \"10s\"}}");
        TargetPreview.Result preview = preview(directory).preview(spec, 3, scheduler.now());
        RunResult run = run(directory, spec);

        assertThat(preview.victims()).isEqualTo(run.victims());
        assertThat(preview.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
                .isEqualTo(RefusalReason.MIN_TIME_BETWEEN_KILLS));
        assertThat(run.refusals()).singleElement().satisfies(r -> assertThat(r.reason())
                .isEqualTo(RefusalReason.MIN_TIME_BETWEEN_KILLS));
    }

    @Test
    void everyExcludedGroupHasItsReasonAndAMistypedNameGetsASuggestion() {
        demoFleet();
        ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"targets\": {\"groups\": [\"db\", \"apii\"], \"tags\": {\"team\": \"data\"}},"
                + " \"selection\": {\"mode\": \"count\", \"value\": 1}}");
        TargetPreview.Result result = preview(ProviderDirectory.of(cloud)).preview(spec, 1, T0);

        assertThat(result.eligible()).isEmpty();
        assertThat(result.victims()).isEmpty();
        assertThat(result.excluded()).filteredOn(e -> "db".equals(e.group())).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Exclusion.NOT_OPTED_IN));
        assertThat(result.excluded()).filteredOn(e -> "apii".equals(e.group())).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(Exclusion.NOT_FOUND);
            assertThat(e.suggestion()).isEqualTo("api");
            assertThat(e.detail()).isEqualTo("no provider lists a group named 'apii' (targets.groups); did you mean 'api'?");
        });
        assertThat(result.excluded()).filteredOn(e -> "api".equals(e.group())).singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo(Exclusion.FILTERED_BY_NAME));
        assertThat(result.excludedByReason()).containsEntry(Exclusion.FILTERED_BY_NAME, 4);
        // the reasons a person must act on come before the filters
        assertThat(result.excluded().get(0).reason()).isIn(Exclusion.NOT_FOUND, Exclusion.NOT_OPTED_IN);
    }

    @Test
    void aTagThatNoGroupCarriesIsReportedPerGroup() {
        demoFleet();
        ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"targets\": {\"groups\": [\"api\"], \"tags\": {\"team\": \"payments\"}},"
                + " \"selection\": {\"mode\": \"count\", \"value\": 1}}");
        TargetPreview.Result result = preview(ProviderDirectory.of(cloud)).preview(spec, 1, T0);
        assertThat(result.excluded()).filteredOn(e -> "api".equals(e.group())).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(Exclusion.FILTERED_BY_TAG);
            assertThat(e.detail()).isEqualTo("tag team is 'storefront', targets.tags wants 'payments'");
        });
    }

    @Test
    void aProviderThatCannotListIsExcludedWithTheReasonAndTheOthersStillCount() {
        demoFleet();
        ScriptedCloud broken = new ScriptedCloud("aws-prod", scheduler);
        broken.group("eu-west-1", "web", 3, optedIn(1));
        broken.listFailures.add(new ProviderException(Kind.PERMISSION_DENIED, "no credentials"));
        ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"selection\": {\"mode\": \"count\", \"value\": 1}}");
        TargetPreview.Result result = preview(ProviderDirectory.of(cloud, broken)).preview(spec, 1, T0);

        assertThat(result.unavailableProviders()).containsExactly("aws-prod");
        assertThat(result.excluded()).filteredOn(e -> e.reason() == Exclusion.PROVIDER_UNAVAILABLE).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("listGroups failed: PERMISSION_DENIED: no credentials"));
        assertThat(result.eligible()).extracting(g -> g.group().name()).containsExactly("eu-web", "api", "cache", "web");
        assertThat(result.victims()).hasSize(1);
    }

    @Test
    void busyGroupsFromTheFleetStateAreExcludedAsGroupBusy() {
        demoFleet();
        GroupRef api = new GroupRef("sim", "us-east-1", "api");
        TargetPreview preview = new TargetPreview(ProviderDirectory.of(cloud), killSwitch::get, history, () -> Set.of(api));
        ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"targets\": {\"groups\": [\"api\"]}, \"selection\": {\"mode\": \"count\", \"value\": 1}}");
        TargetPreview.Result result = preview.preview(spec, 1, T0);
        assertThat(result.eligible()).isEmpty();
        assertThat(result.excluded()).filteredOn(e -> e.reason() == Exclusion.GROUP_BUSY).singleElement()
                .satisfies(e -> assertThat(e.group()).isEqualTo("api"));
    }

    @Test
    void theKillSwitchShowsAsARefusalOfEveryVictim() {
        demoFleet();
        killSwitch.set(true);
        ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"selection\": {\"mode\": \"count\", \"value\": 2}}");
        TargetPreview.Result result = preview(ProviderDirectory.of(cloud)).preview(spec, 5, T0);
        assertThat(result.victims()).hasSize(2);
        assertThat(result.refusals()).extracting(TargetPreview.WouldRefuse::reason)
                .containsExactly(RefusalReason.KILL_SWITCH, RefusalReason.KILL_SWITCH);
    }

    @Test
    void aNamedGroupThatDoesNotExistIsNotFoundWithASuggestionFromItsRegion() {
        demoFleet();
        ExperimentSpec spec = parser.parse("{\"name\": \"p\", \"targets\": {\"providers\": [\"sim\"], \"regions\": [\"us-east-1\"],"
                + " \"groups\": [\"cahce\"]}, \"selection\": {\"mode\": \"count\", \"value\": 1}}");
        TargetPreview.Result result = preview(ProviderDirectory.of(cloud)).preview(spec, 1, T0);
        assertThat(result.excluded()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(Exclusion.NOT_FOUND);
            assertThat(e.suggestion()).isEqualTo("cache");
        });
    }
}
