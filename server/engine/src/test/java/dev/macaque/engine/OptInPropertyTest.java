package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Recovery;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.TerminationRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * A group that is not opted in is never touched: over random fleets, tags and specs, no termination request (real
 * or dry-run) ever reaches the provider for a group without {@code macaque-enabled=true}, and none for a group
 * outside the targets.
 */
class OptInPropertyTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    record GroupSpec(String region, int size, String enabled, String weight, String team) {
        Map<String, String> tags() {
            Map<String, String> tags = new TreeMap<>();
            if (enabled != null) {
                tags.put(OptIn.ENABLED_KEY, enabled);
            }
            if (weight != null) {
                tags.put(OptIn.WEIGHT_KEY, weight);
            }
            if (team != null) {
                tags.put("team", team);
            }
            return tags;
        }
    }

    @Property(tries = 300)
    @StatisticsReport(onFailureOnly = true)
    void noTerminationEverReachesAGroupThatIsNotOptedInOrNotTargeted(
            @ForAll("fleets") List<GroupSpec> fleet, @ForAll("specs") ExperimentSpec spec) {
        VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
        ScriptedCloud cloud = new ScriptedCloud("sim", scheduler).replaceAfter(Duration.ofSeconds(30));
        Map<GroupRef, Map<String, String>> tagsByGroup = new HashMap<>();
        for (int i = 0; i < fleet.size(); i++) {
            GroupSpec group = fleet.get(i);
            cloud.group(group.region(), "g" + i, group.size(), group.tags());
            tagsByGroup.put(new GroupRef("sim", group.region(), "g" + i), group.tags());
        }
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, new InMemoryRunRecorder(),
                KillSwitch.NEVER_ENGAGED, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 1L);
        ExperimentRun run = runner.start("prop", spec);
        scheduler.runUntilIdle();

        assertThat(run.state()).isEqualTo(RunState.COMPLETED);
        for (TerminationRequest request : cloud.terminateCalls) {
            Map<String, String> tags = tagsByGroup.get(request.group());
            assertThat(OptIn.isEnabled(tags)).as("terminate reached %s with tags %s", request.group(), tags).isTrue();
            assertThat(spec.targets().matches(request.group(), tags)).as("terminate reached untargeted %s", request.group()).isTrue();
            assertThat(request.dryRun()).isEqualTo(spec.dryRun());
        }
        Statistics.label("terminations made").collect(cloud.terminateCalls.isEmpty() ? "none" : "some");
        Statistics.label("terminations made").coverage(coverage -> coverage.check("some").percentage(p -> p > 15));
    }

    @Property(tries = 300)
    void theSelectorNeverPicksAGroupThatIsNotOptedIn(@ForAll("fleets") List<GroupSpec> fleet,
                                                       @ForAll("specs") ExperimentSpec spec, @ForAll long seed) {
        List<FleetGroup> groups = new java.util.ArrayList<>();
        for (int i = 0; i < fleet.size(); i++) {
            GroupSpec group = fleet.get(i);
            List<String> ids = java.util.stream.IntStream.range(0, group.size()).mapToObj(n -> "i-" + n).toList();
            groups.add(new FleetGroup(new GroupRef("sim", group.region(), "g" + i), group.tags(), group.size(), ids));
        }
        SelectionResult result = new TargetSelector().select(groups, spec.targets(), spec.selection(), new SplittableRandom(seed));
        Map<GroupRef, FleetGroup> byRef = new HashMap<>();
        groups.forEach(g -> byRef.put(g.ref(), g));
        for (Victim victim : result.victims()) {
            FleetGroup group = byRef.get(victim.group());
            assertThat(OptIn.isEnabled(group.tags())).isTrue();
            assertThat(spec.targets().matches(group.ref(), group.tags())).isTrue();
            assertThat(group.healthyInstanceIds()).contains(victim.instanceId());
        }
        assertThat(result.victims()).doesNotHaveDuplicates();
    }

    @Provide
    Arbitrary<List<GroupSpec>> fleets() {
        Arbitrary<String> region = Arbitraries.of("us-east-1", "eu-west-1", "ap-south-1");
        Arbitrary<Integer> size = Arbitraries.integers().between(0, 8);
        Arbitrary<String> enabled = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of("true", "TRUE", " true ")),
                net.jqwik.api.Tuple.of(4, Arbitraries.of("false", "yes", "1", "", "enabled")),
                net.jqwik.api.Tuple.of(2, Arbitraries.just(null)));
        Arbitrary<String> weight = Arbitraries.of("1", "3", "10", "0", "-2", "heavy").injectNull(0.5);
        Arbitrary<String> team = Arbitraries.of("payments", "search").injectNull(0.3);
        return Combinators.combine(region, size, enabled, weight, team).as(GroupSpec::new).list().ofMinSize(0).ofMaxSize(25);
    }

    @Provide
    Arbitrary<ExperimentSpec> specs() {
        Arbitrary<Selection> selection = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 40).map(Selection::count),
                Arbitraries.integers().between(1, 100).map(p -> Selection.percent(p)),
                Arbitraries.integers().between(1, 10).map(p -> Selection.perGroup(p / 10.0)));
        Arbitrary<Set<String>> regions = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Set.<String>of())),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("us-east-1", "eu-west-1", "ap-south-1").set().ofMinSize(1).ofMaxSize(2)));
        Arbitrary<Set<String>> groups = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(Set.<String>of())),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 24).map(i -> "g" + i).set().ofMinSize(1).ofMaxSize(12)));
        Arbitrary<Map<String, String>> tags = Arbitraries.of(Map.<String, String>of(), Map.<String, String>of(),
                Map.of("team", "payments"), Map.of("team", "search"), Map.of("macaque-enabled", "false"));
        Arbitrary<Targets> targets = Combinators.combine(regions, groups, tags)
                .as((r, g, t) -> new Targets(Set.of(), r, g, t));
        Arbitrary<Guardrails> guardrails = Arbitraries.of(
                Guardrails.DEFAULTS, new Guardrails(0, 0, 100, Duration.ZERO), new Guardrails(30, 1, 5, Duration.ofMinutes(1)));
        return Combinators.combine(targets, selection, guardrails, Arbitraries.of(true, false), Arbitraries.longs())
                .as((t, s, g, dryRun, seed) -> new ExperimentSpec("prop", t, s, g,
                        new Recovery(Duration.ofMinutes(2), Duration.ofSeconds(20)), dryRun, seed));
    }
}
