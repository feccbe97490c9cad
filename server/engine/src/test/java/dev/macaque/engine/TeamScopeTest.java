package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.Eligibility.Exclusion;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A run's team scope ({@code targets.scope}): part of the one eligibility rule (so preview, run and schedule agree),
 * and judged again on the group as read right before each kill.
 */
class TeamScopeTest {
    private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");
    private static final GroupRef CHECKOUT = new GroupRef("sim", "us-east-1", "checkout");
    private static final Map<String, String> PAYMENTS = Map.of("macaque-enabled", "true", "macaque-weight", "1", "team", "payments");
    private static final Map<String, String> SEARCH = Map.of("macaque-enabled", "true", "macaque-weight", "5", "team", "search");

    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final InMemoryRunRecorder recorder = new InMemoryRunRecorder();
    private final ScriptedCloud cloud = new ScriptedCloud("sim", scheduler);
    private final ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, recorder,
            new AtomicBoolean()::get, new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 424242L);

    private static Targets scoped(Map<String, String> tags, Map<String, String> scope) {
        return new Targets(Set.of(), Set.of(), Set.of(), tags, scope);
    }

    @Test
    void aGroupWithoutTheScopesTagsIsOutOfScopeAfterOptInAndBeforeEveryFilter() {
        Targets payments = scoped(Map.of("tier", "web"), Map.of("team", "payments"));

        Eligibility.Verdict search = Eligibility.ofDescribed(CHECKOUT, SEARCH, payments);
        assertThat(search).isEqualTo(new Eligibility.Excluded(Exclusion.OUT_OF_SCOPE,
                "outside the scope team=payments (its team is 'search')"));
        // not opted in and out of scope at once: the owner's opt-in is judged first
        assertThat(((Eligibility.Excluded) Eligibility.ofDescribed(CHECKOUT, Map.of("team", "search"), payments)).reason())
                .isEqualTo(Exclusion.NOT_OPTED_IN);
        // in scope but filtered by the spec's own tags: the filter says so
        assertThat(((Eligibility.Excluded) Eligibility.ofDescribed(CHECKOUT, PAYMENTS, payments)).reason())
                .isEqualTo(Exclusion.FILTERED_BY_TAG);
        assertThat(Eligibility.ofDescribed(CHECKOUT, Map.of("macaque-enabled", "true", "team", "payments", "tier", "web"), payments)
                .eligible()).isTrue();
        assertThat(((Eligibility.Excluded) Eligibility.ofDescribed(CHECKOUT, Map.of("macaque-enabled", "true"), payments)).detail())
                .isEqualTo("outside the scope team=payments (its team is absent)");
    }

    @Test
    void theCompiledMatcherAgreesWithTheRuleOnTheScope() {
        Targets payments = scoped(Map.of(), Map.of("team", "payments"));
        Targets conflicting = scoped(Map.of("team", "search"), Map.of("team", "payments"));

        for (Map<String, String> tags : java.util.List.of(PAYMENTS, SEARCH, Map.<String, String>of())) {
            assertThat(TargetMatcher.of(payments).matches(CHECKOUT, tags)).isEqualTo(payments.matches(CHECKOUT, tags));
            assertThat(TargetMatcher.of(conflicting).matches(CHECKOUT, tags)).isFalse();
            assertThat(conflicting.matches(CHECKOUT, tags)).isFalse();
        }
    }

    @Test
    void aScopedRunKillsOnlyInItsScopeThoughTheOtherGroupWeighsMore() {
        cloud.group("us-east-1", "checkout", 4, PAYMENTS).group("us-east-1", "search", 10, SEARCH);
        ExperimentSpec spec = new ExperimentSpecParser().parse("""
                {"name": "payments", "seed": 7, "selection": {"mode": "count", "value": 2},
                 "targets": {"scope": {"team": "payments"}}, "recovery": {"timeout": "1m", "pollInterval": "15s"}}""");

        ExperimentRun run = runner.start("run-1", spec);
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();

        assertThat(result.terminations()).hasSize(2).allSatisfy(t -> assertThat(t.group()).isEqualTo(CHECKOUT));
        assertThat(cloud.terminateCalls).allSatisfy(r -> assertThat(r.group()).isEqualTo(CHECKOUT));
    }

    @Test
    void aGroupRetaggedOutOfTheScopeBeforeDiscoveryIsNotACandidate() {
        cloud.group("us-east-1", "checkout", 4, PAYMENTS);
        // Listed as payments' group; by the time discovery reads it, its owner gave it to search.
        cloud.afterList = () -> cloud.retag("us-east-1", "checkout", SEARCH);
        ExperimentSpec spec = new ExperimentSpecParser().parse("""
                {"name": "payments", "seed": 7, "selection": {"mode": "count", "value": 1},
                 "targets": {"scope": {"team": "payments"}}, "recovery": {"timeout": "1m", "pollInterval": "15s"}}""");

        ExperimentRun run = runner.start("run-1", spec);
        scheduler.runUntilIdle();
        RunResult result = run.completion().join();

        assertThat(cloud.terminateCalls).isEmpty();
        assertThat(result.terminations()).isEmpty();
    }

    @Test
    void aGroupRetaggedOutOfTheScopeBetweenTwoKillsIsRefusedAtTheSecond() {
        cloud.group("us-east-1", "checkout", 6, PAYMENTS);
        ExperimentSpec spec = new ExperimentSpecParser().parse("""
                {"name": "payments", "seed": 7, "selection": {"mode": "count", "value": 2}, "pacing": {"between": "1m"},
                 "targets": {"scope": {"team": "payments"}}, "recovery": {"timeout": "5m", "pollInterval": "15s"}}""");
        ExperimentRun run = runner.start("run-1", spec);
        // The first kill happens at once; the owner hands the group to search half-way through the pause.
        scheduler.schedule(java.time.Duration.ofSeconds(30), () -> cloud.retag("us-east-1", "checkout", SEARCH));

        scheduler.runUntilIdle();
        RunResult result = run.completion().join();

        assertThat(cloud.terminateCalls).hasSize(1);
        assertThat(result.refusals()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.OUT_OF_SCOPE);
            assertThat(r.message()).isEqualTo("group sim/us-east-1/checkout is outside the scope team=payments (its team is 'search')");
            assertThat(r.at()).isEqualTo(T0.plusSeconds(60));
        });
    }
}
