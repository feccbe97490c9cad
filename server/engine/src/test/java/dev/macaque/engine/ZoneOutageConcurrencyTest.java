package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.MemberTermination;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import dev.macaque.text.Counts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Zone outages on the real-time scheduler (threads, as on the server), with a cloud that lets a test interleave another
 * run with an outage in progress, or see whether two groups' batch calls overlap.
 *
 * <p>The fleet: api 4 (a, b, a, b), web 4 (a, b, a, b), spare 3 (c, c, c), all opted in. An outage of zone a kills
 * api's 2 and web's 2 (each keeps 2 of 4, the 50% minimum): 4 kills in 2 groups; spare has no member in a.
 */
class ZoneOutageConcurrencyTest {
    private static final Map<String, String> OPTED_IN = Map.of("macaque-enabled", "true");
    private static final GroupRef API = new GroupRef("sim", "us-east-1", "api");
    private static final GroupRef WEB = new GroupRef("sim", "us-east-1", "web");

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4);
    private final TaskScheduler scheduler = new ExecutorTaskScheduler(executor, Clock.systemUTC());
    private final ScriptedCloud scripted = new ScriptedCloud("sim", scheduler);
    private final GatedCloud cloud = new GatedCloud(scripted);
    private final InMemoryRunRecorder events = new InMemoryRunRecorder();
    private final ExperimentSpecParser parser = new ExperimentSpecParser();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private void fleet() {
        scripted.group("us-east-1", "api", 4, OPTED_IN).zones("us-east-1", "api", "a", "b", "a", "b");
        scripted.group("us-east-1", "web", 4, OPTED_IN).zones("us-east-1", "web", "a", "b", "a", "b");
        scripted.group("us-east-1", "spare", 3, OPTED_IN).zones("us-east-1", "spare", "c", "c", "c");
    }

    private ExperimentRunner runner(RunRecorder recorder) {
        return new ExperimentRunner(ProviderDirectory.of(cloud), scheduler, recorder, new AtomicBoolean()::get,
                new InMemoryKillHistory(), RetryPolicy.DEFAULT, () -> 1L);
    }

    private ExperimentSpec outage(String more) {
        return parser.parse("{\"name\": \"zone-a\", \"seed\": 7, \"selection\": {\"mode\": \"zone\", \"zone\": \"a\"}" + more + "}");
    }

    /** Waits until every victim of the run is terminated or refused, then aborts it (recovery is not the point here). */
    private static RunResult settled(ExperimentRun run, int victims) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            RunResult r = run.result();
            return r.state().isTerminal() || r.terminations().stream()
                    .filter(t -> t.status() != TerminationStatus.IN_PROGRESS).count() + r.refusals().size() >= victims;
        });
        run.abort("test done");
        return run.completion().join();
    }

    @Test
    void aRunThatTriesToTakeTheFleetBudgetWhileAnOutageIsUnderWayIsRefusedAndTheOutageIsNeverHalfDone() throws Exception {
        fleet();
        // four real kills an hour: exactly the outage's 4
        FleetLedger ledger = new FleetLedger(events, new FleetBudgets(4, 50, 10));
        CountDownLatch secondDecided = new CountDownLatch(1);
        RunRecorder recorder = new ObservedRecorder(ledger, runId -> {
            if (runId.equals("run-2")) {
                secondDecided.countDown();
            }
        });
        ExperimentRunner runner = runner(recorder);
        ExperimentRun[] second = new ExperimentRun[1];
        AtomicBoolean started = new AtomicBoolean();
        // api's batch call holds until a single kill of spare by another run has been decided: on the old engine, the
        // other run took the budget between api's intents and web's, and web was half killed
        cloud.onTerminateMembers = group -> {
            if (group.equals(API) && started.compareAndSet(false, true)) {
                second[0] = runner.start("run-2", parser.parse("{\"name\": \"one\", \"seed\": 3, \"targets\": {\"groups\": [\"spare\"]},"
                        + " \"selection\": {\"mode\": \"count\", \"value\": 1}}"));
                awaitDecided(secondDecided);
            }
        };

        ExperimentRun first = runner.start("run-1", outage(""));
        RunResult outage = settled(first, 4);
        await().atMost(Duration.ofSeconds(20)).until(() -> second[0] != null && !second[0].result().refusals().isEmpty()
                || second[0] != null && !second[0].result().terminations().isEmpty());
        RunResult single = settled(second[0], 1);

        assertThat(outage.terminations()).extracting(TerminationRecord::group, TerminationRecord::status).containsOnly(
                org.assertj.core.groups.Tuple.tuple(API, TerminationStatus.TERMINATED),
                org.assertj.core.groups.Tuple.tuple(WEB, TerminationStatus.TERMINATED)).hasSize(4);
        assertThat(outage.refusals()).isEmpty();
        assertThat(single.terminations()).isEmpty();
        assertThat(single.refusals()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.FLEET_BUDGET);
            assertThat(r.message()).contains("already had 4 real terminations in the last hour");
        });
        assertThat(scripted.memberCount("us-east-1", "api")).isEqualTo(2);
        assertThat(scripted.memberCount("us-east-1", "web")).isEqualTo(2);
        assertThat(scripted.memberCount("us-east-1", "spare")).isEqualTo(3);
    }

    @Test
    void withoutPacingTheGroupsBatchCallsAreUnderWayAtOnce() {
        fleet();
        // each group's call waits (up to 10 s) for the other's to begin: they only both pass when they overlap
        CountDownLatch both = new CountDownLatch(2);
        Map<GroupRef, Boolean> overlapped = new ConcurrentHashMap<>();
        cloud.onTerminateMembers = group -> {
            both.countDown();
            overlapped.put(group, awaitQuietly(both, Duration.ofSeconds(10)));
        };
        RunResult result = settled(runner(events).start("run-1", outage("")), 4);

        assertThat(overlapped).containsOnly(Map.entry(API, true), Map.entry(WEB, true));
        assertThat(result.terminations()).hasSize(4).allSatisfy(t -> assertThat(t.status()).isEqualTo(TerminationStatus.TERMINATED));
        assertThat(cloud.mostAtOnce.get()).isEqualTo(2);
    }

    @Test
    void withPacingTheGroupsAreCalledOneAfterTheOther() {
        fleet();
        CountDownLatch both = new CountDownLatch(2);
        Map<GroupRef, Boolean> overlapped = new ConcurrentHashMap<>();
        cloud.onTerminateMembers = group -> {
            both.countDown();
            // long enough for a second call to begin if the engine sent one beside this one
            overlapped.put(group, awaitQuietly(both, Duration.ofMillis(500)));
        };
        RunResult result = settled(runner(events).start("run-1", outage(", \"pacing\": {\"between\": \"100ms\"}")), 4);

        assertThat(overlapped.get(API)).as("api's call ran alone").isFalse();
        assertThat(cloud.mostAtOnce.get()).isEqualTo(1);
        assertThat(result.terminations()).hasSize(4).allSatisfy(t -> assertThat(t.status()).isEqualTo(TerminationStatus.TERMINATED));
    }

    /**
     * Six groups of 4 over zones a, b (g1..g6) and spare (3, in c). Two outages of zone a at once, g1-g3 and g4-g6 (6
     * kills each, 2 per group), and every batch call blocks until released: on the server's 4 engine threads, each
     * outage's first lane plus the runner's one shared lane hold 3, so a third run's steps (a count run on spare)
     * still find a thread and its kill is made while both outages' calls are blocked. Without the shared bound the two
     * outages took all 4 threads (3 lanes each) and nothing else ran until a cloud answered.
     */
    @Test
    void twoOutagesAtOnceLeaveAnEngineThreadFreeForAnotherRunsSteps() {
        for (int g = 1; g <= 6; g++) {
            scripted.group("us-east-1", "g" + g, 4, OPTED_IN).zones("us-east-1", "g" + g, "a", "b", "a", "b");
        }
        scripted.group("us-east-1", "spare", 3, OPTED_IN).zones("us-east-1", "spare", "c", "c", "c");
        CountDownLatch release = new CountDownLatch(1);
        cloud.onTerminateMembers = group -> awaitQuietly(release, Duration.ofSeconds(30));
        ExperimentRunner runner = runner(new FleetLedger(events, FleetBudgets.UNLIMITED));
        try {
            ExperimentRun first = runner.start("run-1", outage(", \"targets\": {\"groups\": [\"g1\", \"g2\", \"g3\"]}"));
            ExperimentRun second = runner.start("run-2", outage(", \"targets\": {\"groups\": [\"g4\", \"g5\", \"g6\"]}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> cloud.atOnce.get() >= 3);
            ExperimentRun third = runner.start("run-3", parser.parse("{\"name\": \"one\", \"seed\": 3, "
                    + "\"targets\": {\"groups\": [\"spare\"]}, \"selection\": {\"mode\": \"count\", \"value\": 1}}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> third.result().terminations().stream()
                    .anyMatch(t -> t.status() == TerminationStatus.TERMINATED));
            assertThat(cloud.atOnce.get()).as("both outages' calls still blocked").isEqualTo(3);
            assertThat(cloud.mostAtOnce.get()).isEqualTo(3);

            release.countDown();
            for (ExperimentRun outage : List.of(first, second)) {
                assertThat(settled(outage, 6).terminations()).hasSize(6)
                        .allSatisfy(t -> assertThat(t.status()).isEqualTo(TerminationStatus.TERMINATED));
            }
            settled(third, 1);
            assertThat(cloud.mostAtOnce.get()).as("never more than 3 calls at once").isEqualTo(3);
            assertThat(runner.outageLanes().free()).as("the shared lane is given back").isEqualTo(1);
        } finally {
            release.countDown();
        }
    }

    /**
     * The same two outages, run-1's with a steady-state probe every second that starts failing once both outages'
     * calls are blocked: its tick still finds a thread, so run-1 halts at once, while its clouds have not answered, and
     * its group left queued (no lane free for it) is abandoned, never called. Without the shared bound the tick waited
     * behind the blocked calls, and the halt with it, until a cloud answered.
     */
    @Test
    void aProbeTickStillHaltsAnOutageWhileTwoOutagesCallsAreBlocked() {
        for (int g = 1; g <= 6; g++) {
            scripted.group("us-east-1", "g" + g, 4, OPTED_IN).zones("us-east-1", "g" + g, "a", "b", "a", "b");
        }
        CountDownLatch release = new CountDownLatch(1);
        cloud.onTerminateMembers = group -> awaitQuietly(release, Duration.ofSeconds(30));
        AtomicBoolean failing = new AtomicBoolean();
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(cloud), scheduler,
                new FleetLedger(events, FleetBudgets.UNLIMITED), new AtomicBoolean()::get, new InMemoryKillHistory(),
                RetryPolicy.DEFAULT, () -> 1L, dev.macaque.engine.probe.ProbeEvaluator.routing(
                        dev.macaque.engine.probe.ProbeEvaluator.UNSUPPORTED, service -> failing.get() ? 0.0 : 1.0),
                StopConditions.NONE);
        try {
            ExperimentRun first = runner.start("run-1", outage(", \"targets\": {\"groups\": [\"g1\", \"g2\", \"g3\"]},"
                    + " \"steadyState\": {\"probes\": [{\"name\": \"served\", \"service\": {\"name\": \"api\","
                    + " \"minSuccessPercent\": 100}}], \"every\": \"1s\", \"tolerance\": 1}"));
            ExperimentRun second = runner.start("run-2", outage(", \"targets\": {\"groups\": [\"g4\", \"g5\", \"g6\"]}"));
            await().atMost(Duration.ofSeconds(10)).until(() -> cloud.atOnce.get() >= 3);
            failing.set(true);
            await().atMost(Duration.ofSeconds(10)).until(() -> first.state() == RunState.HALTED);
            assertThat(cloud.atOnce.get()).as("both outages' calls still blocked").isEqualTo(3);
            RunResult halted = first.result();
            // run-1 has 1 or 2 groups under way (run-2 may hold the shared lane); the rest were queued: abandoned
            long called = cloud.calledGroups.stream().filter(g -> List.of("g1", "g2", "g3").contains(g.name())).count();
            assertThat(halted.terminations()).filteredOn(t -> t.status() == TerminationStatus.ABANDONED)
                    .hasSize((int) (3 - called) * 2)
                    .allSatisfy(t -> assertThat(t.detail()).contains("the run halted before group"));
            assertThat(halted.failureReason()).contains(Counts.of((int) (3 - called) * 2, "victim") + " not terminated");

            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> first.result().terminations().stream()
                    .noneMatch(t -> t.status() == TerminationStatus.IN_PROGRESS));
            assertThat(first.result().terminations()).filteredOn(t -> t.status() == TerminationStatus.TERMINATED)
                    .hasSize((int) called * 2);
            assertThat(settled(second, 6).terminations()).hasSize(6)
                    .allSatisfy(t -> assertThat(t.status()).isEqualTo(TerminationStatus.TERMINATED));
            await().atMost(Duration.ofSeconds(10)).until(() -> runner.outageLanes().free() == 1);
        } finally {
            release.countDown();
        }
    }

    private static void awaitDecided(CountDownLatch latch) {
        if (!awaitQuietly(latch, Duration.ofSeconds(10))) {
            throw new AssertionError("the other run never decided its intent");
        }
    }

    private static boolean awaitQuietly(CountDownLatch latch, Duration timeout) {
        try {
            return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The ledger, telling the test once a run's intent (or batch) has been decided, kept or refused. */
    private record ObservedRecorder(FleetLedger ledger, Consumer<String> decided) implements RunRecorder {
        @Override
        public void record(RunEvent event) {
            ledger.record(event);
        }

        @Override
        public void recordIntent(RunEvent intent, IntentGuard guard) {
            try {
                ledger.recordIntent(intent, guard);
            } finally {
                decided.accept(intent.runId());
            }
        }

        @Override
        public void recordIntents(List<GuardedIntent> intents) {
            try {
                ledger.recordIntents(intents);
            } finally {
                decided.accept(intents.get(0).intent().runId());
            }
        }

        @Override
        public Set<GroupRef> busyGroups(String runId) {
            return ledger.busyGroups(runId);
        }
    }

    /**
     * The scripted cloud made safe for the engine's threads (one call into it at a time), with a hook that runs in
     * terminateMembers before the call goes in, outside that lock, so calls can overlap there.
     */
    private static final class GatedCloud implements CloudProvider {
        private final ScriptedCloud cloud;
        volatile Consumer<GroupRef> onTerminateMembers = group -> { };
        final AtomicInteger atOnce = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        /** The groups whose batch call went in, in order. */
        final List<GroupRef> calledGroups = new java.util.concurrent.CopyOnWriteArrayList<>();

        GatedCloud(ScriptedCloud cloud) {
            this.cloud = cloud;
        }

        @Override
        public String id() {
            return cloud.id();
        }

        @Override
        public String type() {
            return cloud.type();
        }

        @Override
        public synchronized List<GroupSummary> listGroups(GroupFilter filter) {
            return cloud.listGroups(filter);
        }

        @Override
        public synchronized VmGroup describeGroup(GroupRef group) {
            return cloud.describeGroup(group);
        }

        @Override
        public synchronized GroupHealth health(GroupRef group) {
            return cloud.health(group);
        }

        @Override
        public synchronized TerminationResult terminate(TerminationRequest request) {
            return cloud.terminate(request);
        }

        @Override
        public List<MemberTermination> terminateMembers(GroupRef group, List<TerminationRequest> requests) {
            calledGroups.add(group);
            mostAtOnce.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            try {
                onTerminateMembers.accept(group);
                synchronized (this) {
                    return cloud.terminateMembers(group, requests);
                }
            } finally {
                atOnce.decrementAndGet();
            }
        }
    }
}
