package dev.macaque.safety;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.engine.ExecutorTaskScheduler;
import dev.macaque.engine.ExperimentRun;
import dev.macaque.engine.ExperimentRunner;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpec.Concurrency;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Recovery;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetView;
import dev.macaque.engine.GuardrailDecision;
import dev.macaque.engine.IntentGuard;
import dev.macaque.engine.KillSwitch;
import dev.macaque.engine.ProviderDirectory;
import dev.macaque.engine.RetryPolicy;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunRecorder;
import dev.macaque.engine.RunResult;
import dev.macaque.engine.RunStep;
import dev.macaque.experiments.RunStore;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.testing.InMemoryCloud;
import dev.macaque.store.Database;
import dev.macaque.store.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Any mix of concurrent runs — threads, random specs, random start times — against one shared cloud and one run store
 * (a real H2 database): no decision ever takes a group below the absolute floor or its run's minimums counting every
 * run's kills in flight, no exclusive run acts on a group another run is acting on, and the fleet budgets hold.
 *
 * <p>The cloud never heals (no replacement ever comes up), so every kill stays visible and the oracle below can
 * count: the k-th allowed real kill of a group of n leaves n - k healthy. The oracle watches every decision as the
 * store makes it — inside the intent's transaction, under the fleet lock — so the order it sees is the true order.
 */
class ConcurrentRunsPropertyTest {
    private static final int GROUP_SIZE = 6;
    private static final List<String> GROUPS = List.of("web", "api", "db");

    record RunPlan(Set<String> groups, int count, int minHealthyPercent, int minHealthyInstances, boolean shared,
                   boolean dryRun, int startDelayMillis) {
    }

    @Provide
    Arbitrary<List<RunPlan>> plans() {
        return plan().list().ofMinSize(2).ofMaxSize(7);
    }

    private static Arbitrary<RunPlan> plan() {
        Arbitrary<Set<String>> groups = Arbitraries.of(GROUPS).set().ofMinSize(1).ofMaxSize(3);
        return Combinators.combine(groups, Arbitraries.integers().between(1, 8), Arbitraries.of(0, 0, 20, 50, 80),
                Arbitraries.integers().between(0, 3), Arbitraries.of(false, false, true), Arbitraries.of(false, false, false, true),
                Arbitraries.integers().between(0, 30)).as(RunPlan::new);
    }

    @Property(tries = 12)
    void concurrentRunsNeverBreakTheFloorTheMinimumsOrTheBudgets(@ForAll("plans") List<RunPlan> plans,
            @ForAll @IntRange(min = 2, max = 12) int maxPerHour, @ForAll @IntRange(min = 1, max = 3) int maxDegraded)
            throws Exception {
        Path dir = Files.createTempDirectory("macaque-fleet-property");
        Database database = Database.open(TestDatabases.h2(dir));
        ScheduledExecutorService threads = Executors.newScheduledThreadPool(4);
        try {
            InMemoryCloud cloud = new InMemoryCloud("sim");
            GROUPS.forEach(name -> cloud.group("r", name, GROUP_SIZE, Map.of("macaque-enabled", "true")));
            FleetBudgets budgets = new FleetBudgets(maxPerHour, 1000, maxDegraded);
            RunStore store = new RunStore(database, new ObjectMapper(), "node", Duration.ofSeconds(30), budgets);
            Oracle oracle = new Oracle(store, budgets);
            ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud),
                    new ExecutorTaskScheduler(threads, Clock.systemUTC()), oracle, KillSwitch.NEVER_ENGAGED, store,
                    new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(10)), () -> 7L);

            List<CompletableFuture<RunResult>> ends = new ArrayList<>();
            for (int i = 0; i < plans.size(); i++) {
                RunPlan plan = plans.get(i);
                ExperimentSpec spec = new ExperimentSpec("p" + i, new Targets(Set.of(), Set.of(), plan.groups(), Map.of()),
                        Selection.count(plan.count()), new Guardrails(plan.minHealthyPercent(), plan.minHealthyInstances(), 10,
                        Duration.ZERO), new Recovery(Duration.ofMillis(300), Duration.ofMillis(50)), plan.dryRun(), (long) i,
                        plan.shared() ? Concurrency.SHARED : Concurrency.EXCLUSIVE);
                oracle.plans.put("run-" + i, plan);
                CompletableFuture<RunResult> end = new CompletableFuture<>();
                String runId = "run-" + i;
                store.create(runId, spec.name(), i, spec.dryRun(), "test", java.time.Instant.now(), "{}", null, null);
                threads.schedule(() -> {
                    ExperimentRun run = runner.start(runId, spec);
                    run.completion().whenComplete((r, e) -> end.complete(r));
                }, plan.startDelayMillis(), TimeUnit.MILLISECONDS);
                ends.add(end);
            }
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            assertThat(oracle.violations).as("decisions the oracle found unsafe").isEmpty();
            for (String group : GROUPS) {
                int healthy = cloud.describeGroup(new GroupRef("sim", "r", group)).healthyInService().size();
                assertThat(healthy).as("healthy left in " + group).isGreaterThanOrEqualTo(1);
                assertThat(GROUP_SIZE - healthy).as("kills in " + group).isEqualTo(oracle.allowedRealKills(group));
            }
            assertThat(oracle.totalRealKills()).isLessThanOrEqualTo(maxPerHour);
        } finally {
            threads.shutdownNow();
            database.close();
        }
    }

    /**
     * Sits in front of the store and checks every decision against a model of the fleet kept from the decisions and
     * the run events it has seen (no code shared with the store's queries).
     */
    static final class Oracle implements RunRecorder {
        final Map<String, RunPlan> plans = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final RunStore store;
        private final FleetBudgets budgets;
        private final Map<String, Integer> killsByGroup = new HashMap<>();
        /** group -> runs with a real kill in it not yet settled (by the rules README's safety model states) */
        private final Map<String, Set<String>> actingRuns = new HashMap<>();
        private int realKills;

        Oracle(RunStore store, FleetBudgets budgets) {
            this.store = store;
            this.budgets = budgets;
        }

        @Override
        public void record(RunEvent event) {
            // The model settles before the store does: for that moment it is the more lenient of the two, so it never
            // reports a decision the store made on a settled kill as unsafe.
            synchronized (this) {
                RunStep step = event.step();
                if (step instanceof RunStep.GroupNotRecovered g) {
                    settle(event.runId(), g.group().name());
                } else if (step instanceof RunStep.GroupRecovered g) {
                    settle(event.runId(), g.group().name());
                } else if (step instanceof RunStep.RunCompleted || step instanceof RunStep.RunFailed
                        || step instanceof RunStep.RunAborted) {
                    for (String group : GROUPS) {
                        settle(event.runId(), group);
                    }
                }
            }
            store.record(event);
        }

        private void settle(String runId, String group) {
            Set<String> acting = actingRuns.get(group);
            if (acting != null) {
                acting.remove(runId);
                if (acting.isEmpty()) {
                    actingRuns.remove(group);
                }
            }
        }

        @Override
        public void recordIntent(RunEvent intent, IntentGuard guard) {
            RunStep.TerminationIntent step = (RunStep.TerminationIntent) intent.step();
            store.recordIntent(intent, view -> {
                GuardrailDecision decision = guard.decide(view);
                if (decision == GuardrailDecision.ALLOWED) {
                    check(intent.runId(), step);
                }
                return decision;
            });
        }

        /** Called under the store's fleet lock, for an allowed decision only. */
        private synchronized void check(String runId, RunStep.TerminationIntent step) {
            RunPlan plan = plans.get(runId);
            String group = step.group().name();
            int killedBefore = killsByGroup.getOrDefault(group, 0);
            int healthyAfter = GROUP_SIZE - killedBefore - 1;
            int required = Math.max(1, Math.max(plan.minHealthyInstances(), (GROUP_SIZE * plan.minHealthyPercent() + 99) / 100));
            if (healthyAfter < required) {
                violations.add(runId + " killed " + step.instance() + " of " + group + " leaving " + healthyAfter
                        + " healthy, below " + required);
            }
            Set<String> others = new HashSet<>(actingRuns.getOrDefault(group, Set.of()));
            others.remove(runId);
            if (!plan.shared() && !others.isEmpty()) {
                violations.add(runId + " (exclusive) killed in " + group + " while " + others + " acted on it");
            }
            if (step.dryRun()) {
                return;
            }
            if (realKills + 1 > budgets.maxTerminationsPerHour()) {
                violations.add(runId + " made real kill " + (realKills + 1) + " over the hourly budget " + budgets.maxTerminationsPerHour());
            }
            Set<String> degraded = new HashSet<>(actingRuns.keySet());
            degraded.add(group);
            if (degraded.size() > budgets.maxGroupsDegraded()) {
                violations.add(runId + " degraded " + degraded + ", over the budget " + budgets.maxGroupsDegraded());
            }
            killsByGroup.merge(group, 1, Integer::sum);
            actingRuns.computeIfAbsent(group, g -> new HashSet<>()).add(runId);
            realKills++;
        }

        synchronized int allowedRealKills(String group) {
            return killsByGroup.getOrDefault(group, 0);
        }

        synchronized int totalRealKills() {
            return realKills;
        }

        @Override
        public Set<GroupRef> busyGroups(String runId) {
            return store.busyGroups(runId);
        }
    }
}
