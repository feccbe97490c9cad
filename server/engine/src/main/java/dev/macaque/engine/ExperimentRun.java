package dev.macaque.engine;

import dev.macaque.text.Instants;
import dev.macaque.text.Counts;
import static dev.macaque.engine.RunJournal.guarded;

import dev.macaque.engine.RunJournal.RecorderFailed;
import dev.macaque.engine.RunStep.RunAborted;
import dev.macaque.engine.RunStep.RunCompleted;
import dev.macaque.engine.RunStep.RunCreated;
import dev.macaque.engine.RunStep.RunFailed;
import dev.macaque.engine.RunStep.RunStarted;
import dev.macaque.engine.probe.ProbeEvaluator;
import dev.macaque.spi.CloudProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * One run of an experiment: discover the candidate groups, select victims, check the guardrails and terminate one
 * victim at a time, then verify that every affected group recovers.
 *
 * <p>Every step is a task on the {@link TaskScheduler}; waits (retry backoff, health polling) are scheduled tasks,
 * never sleeps. Exactly one task of a run is pending at any time, so steps never overlap; the only concurrent
 * entries are {@link #abort} and a zone outage's group calls, which go out side by side (each takes the lock to
 * record its outcomes; see {@link RunControl#scheduleAlongside}). All state is guarded by one lock that is never held during a provider call.
 *
 * <p>Every step is recorded as a {@link RunEvent} through the {@link RunRecorder}, in order; a termination's
 * {@link RunEventType#TERMINATION_INTENT} is recorded (the recorder has returned) before the provider is called,
 * and its outcome after. An outcome of a provider call already under way when the run is aborted is still recorded,
 * after {@link RunEventType#RUN_ABORTED}.
 *
 * <p>The run coordinates collaborators with one job each, all sharing its lock: {@link CandidateDiscovery},
 * {@link VictimSelection}, {@link TerminationStep}, {@link RecoveryWatch}, {@link SteadyStateWatch}, with
 * {@link RunJournal} (the event journal) and {@link ProviderCalls} (bounded retries). The run itself keeps its state
 * and its one pending task, and decides its endings; the collaborators reach it through {@link RunControl}.
 */
public final class ExperimentRun {
    private final String runId;
    private final ExperimentSpec spec;
    private final long seed;
    private final TaskScheduler scheduler;
    private final CompletableFuture<RunResult> completion = new CompletableFuture<>();

    private final Object lock = new Object();
    private RunState state = RunState.PENDING;
    private final Instant createdAt;
    private Instant finishedAt;
    private String failureReason;
    private Cancellable pending;
    /** Tasks beside the pending one: a zone outage's group calls and their retries (see RunControl#scheduleAlongside). */
    private final java.util.Set<Cancellable> alongside = new java.util.HashSet<>();
    private final RunControl control = new Control();
    private final RunJournal journal;
    private final ProviderCalls calls;
    private final CandidateDiscovery discovery;
    private final VictimSelection selection;
    private final TerminationStep kills;
    private final RecoveryWatch recovery;
    /** Null without steady-state probes. */
    private final SteadyStateWatch watch;
    private Duration timeToSteady;

    ExperimentRun(String runId, ExperimentSpec spec, long seed, ProviderDirectory directory, TaskScheduler scheduler,
                  RunRecorder recorder, KillHistory killHistory, GuardrailCheck guardrails, RetryPolicy retryPolicy,
                  TargetSelector selector, ProbeEvaluator probes, OutageLanes outageLanes) {
        this.runId = runId;
        this.spec = spec;
        this.seed = seed;
        this.scheduler = scheduler;
        this.createdAt = scheduler.now();
        this.journal = new RunJournal(runId, scheduler, recorder, this::failBecauseTheRecorderFailed);
        this.calls = new ProviderCalls(retryPolicy, SeededRandom.stream(seed, "retry-jitter"), lock, journal, control);
        this.discovery = new CandidateDiscovery(spec, directory, lock, journal, calls, control, this::selectVictims);
        this.selection = new VictimSelection(runId, spec, recorder, selector, () -> SeededRandom.stream(seed, "selection"), journal);
        this.recovery = new RecoveryWatch(spec, scheduler, lock, journal, control, discovery, this::completeOnceSteady);
        this.kills = new TerminationStep(runId, spec, scheduler, lock, recorder, journal, calls, guardrails, killHistory,
                discovery, recovery, control, this::beginVerification, outageLanes);
        this.watch = spec.steadyState().isEmpty() ? null
                : new SteadyStateWatch(spec.steadyState(), probes, scheduler, lock, new WatchHost());
    }

    public String id() {
        return runId;
    }

    public ExperimentSpec spec() {
        return spec;
    }

    public long seed() {
        return seed;
    }

    public RunState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Completes with the final result when the run reaches a terminal state. */
    public CompletableFuture<RunResult> completion() {
        return completion;
    }

    /** Everything so far. */
    public RunResult result() {
        synchronized (lock) {
            return new RunResult(runId, spec.name(), state, seed, spec.dryRun(), createdAt, finishedAt, failureReason,
                    kills.victims(), kills.terminations(), kills.refusals(), recovery.snapshot(), journal.events(), timeToSteady);
        }
    }

    /**
     * Stops the run at once: no termination is started after this returns, pending tasks (retries, health polls)
     * are cancelled, groups not yet verified are SKIPPED, the state becomes ABORTED.
     *
     * @return false when the run had already ended
     */
    public boolean abort(String reason) {
        return stop(RunState.ABORTED, reason, new RunAborted(reason));
    }

    /** Ends the run at once (abort, halt): no termination is started after this. */
    private boolean stop(RunState terminal, String reason, RunStep why) {
        synchronized (lock) {
            if (state.isTerminal()) {
                return false;
            }
            cancelPending();
            String how = switch (terminal) {
                case HALTED -> "halted";
                case NOT_STEADY -> "ended not steady";
                default -> "was aborted";
            };
            if (calls.awaitingRetry()) {
                kills.abandonWaiting(how, true);
            }
            calls.retryCancelled();
            kills.settleOutage(how, true);
            recovery.skipUnverified(terminal == RunState.HALTED ? "run halted" : "run aborted");
            end(terminal, reason);
            try {
                journal.record(why);
            } catch (RecorderFailed e) {
                // The abort stands; the event is still in the run's own list.
            }
            completion.complete(result());
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Start, discovery (CandidateDiscovery), selection (VictimSelection)

    void launch() {
        synchronized (lock) {
            try {
                journal.record(new RunCreated(spec.name(), seed, spec.dryRun()));
            } catch (RecorderFailed e) {
                return; // the run is FAILED and says why
            }
            pending = scheduler.schedule(Duration.ZERO, guarded(this::begin));
        }
    }

    private void begin() {
        List<CloudProvider> chosen;
        synchronized (lock) {
            if (state != RunState.PENDING) {
                return;
            }
            state = RunState.RUNNING;
            journal.record(new RunStarted(spec.name(), seed, spec.dryRun(), describe(spec.selection())));
            chosen = discovery.chooseProviders();
            if (chosen == null) {
                return;
            }
        }
        discovery.discover(chosen);
    }

    private static String describe(ExperimentSpec.Selection selection) {
        if (selection.mode() == ExperimentSpec.SelectionMode.ZONE) {
            return "zone " + selection.zone();
        }
        double value = selection.value();
        String number = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        return selection.mode().wireName() + " " + number;
    }

    private void selectVictims(List<FleetGroup> found, int[] counts, List<String> unreachable) {
        synchronized (lock) {
            if (state != RunState.RUNNING) {
                return;
            }
            List<FleetGroup> snapshot = selection.candidates(found);
            selection.select(snapshot, counts, unreachable, discovery::readMembers, (drawnFrom, victims) -> {
                kills.fleet(drawnFrom, victims);
                kills.victims(victims);
            }, () -> {
                kills.zoneOutage(selection.zoneOutage());
                continueWith(this::checkSteadyStateBeforeFirstKill);
            });
        }
    }

    /**
     * Called under the lock: runs the next step as a new task rather than by a nested call, so that thousands of
     * groups or victims never build a deep stack, and an abort between two steps takes effect.
     */
    private void continueWith(Runnable step) {
        if (state == RunState.RUNNING) {
            pending = scheduler.schedule(Duration.ZERO, guarded(step));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Recovery verification (RecoveryWatch)

    /** Called under the lock once every victim was handled. */
    private void beginVerification() {
        if (recovery.unverified().isEmpty()) {
            complete();
            return;
        }
        state = RunState.VERIFYING;
        recovery.start();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Steady state (the probes; see SteadyStateWatch)

    /** Before the first kill every probe must pass, else the run ends NOT_STEADY with nothing terminated. */
    private void checkSteadyStateBeforeFirstKill() {
        if (watch == null || kills.victims().isEmpty()) {
            kills.killNext(0);
            return;
        }
        watch.checkBeforeFirstKill(failure -> {
            if (state != RunState.RUNNING) {
                return;
            }
            if (failure == null) {
                continueWith(() -> kills.killNext(0));
                return;
            }
            String reason = "not steady before the first kill: probe " + failure.probe() + " failed (observed: "
                    + failure.observed() + "; " + failure.detail() + ")";
            stop(RunState.NOT_STEADY, reason, new RunStep.RunNotSteady(failure.probe(), failure.observed(), failure.detail()));
        });
    }

    /** Every group is settled: the run completes once every probe passes again, or at the recovery deadline. */
    private void completeOnceSteady() {
        if (watch == null || watch.steady()) {
            complete();
            return;
        }
        Instant deadline = recovery.all().stream().filter(r -> r.status() != RecoveryStatus.SKIPPED)
                .map(r -> r.firstKillAt().plus(spec.recovery().timeout())).min(Comparator.naturalOrder()).orElse(scheduler.now());
        Duration wait = Duration.between(scheduler.now(), deadline);
        control.schedule(wait.isNegative() ? Duration.ZERO : wait, () -> {
            synchronized (lock) {
                if (state == RunState.VERIFYING) {
                    complete(); // not steady again in time: timeToSteady stays null, a finding
                }
            }
        });
    }

    private final class WatchHost implements SteadyStateWatch.Host {
        public void record(RunStep step) {
            journal.record(step);
        }

        public Runnable guarded(Runnable task) {
            return RunJournal.guarded(task);
        }

        public RunStep.ProbeEvaluated.Phase phase() {
            return state == RunState.RUNNING ? RunStep.ProbeEvaluated.Phase.DURING : RunStep.ProbeEvaluated.Phase.AFTER;
        }

        public void toleranceExceeded(RunStep.ProbeEvaluated failing) {
            if (state != RunState.RUNNING) {
                return; // every kill is made: the run goes on verifying and waits for the probes to pass again
            }
            int remaining = kills.notStarted(calls.awaitingRetry());
            String reason = "halted: probe " + failing.probe() + " failed " + Counts.of(failing.consecutiveFailures(), "time")
                    + " in a row (observed: " + failing.observed() + "; " + failing.detail() + ") at "
                    + Instants.format(scheduler.now()) + "; " + Counts.of(remaining, "victim") + " not terminated";
            stop(RunState.HALTED, reason, new RunStep.RunHalted(failing.probe(), failing.observed(), failing.detail(),
                    failing.consecutiveFailures(), remaining));
        }

        public void roundPassed() {
            if (state == RunState.VERIFYING && recovery.unverified().isEmpty()) {
                cancelPending();
                complete();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Endings

    private void complete() {
        Instant firstKill = recovery.all().stream().filter(r -> r.status() != RecoveryStatus.SKIPPED)
                .map(GroupRecovery::firstKillAt).min(Comparator.naturalOrder()).orElse(null);
        if (watch != null && firstKill != null && watch.steady()) {
            timeToSteady = Duration.between(firstKill, scheduler.now());
            journal.record(new RunStep.SteadyAgain(timeToSteady));
        }
        end(RunState.COMPLETED, null);
        Map<TerminationStatus, Long> byStatus = kills.terminations().stream()
                .collect(Collectors.groupingBy(TerminationRecord::status, () -> new java.util.EnumMap<>(TerminationStatus.class),
                        Collectors.counting()));
        Map<RecoveryStatus, Long> byRecovery = recovery.all().stream()
                .collect(Collectors.groupingBy(GroupRecovery::status, () -> new java.util.EnumMap<>(RecoveryStatus.class),
                        Collectors.counting()));
        journal.record(new RunCompleted(kills.victims().size(), kills.refusals().size(), byStatus, byRecovery));
        completion.complete(result());
    }

    private void fail(String reason) {
        synchronized (lock) {
            if (state.isTerminal()) {
                return;
            }
            cancelPending();
            if (calls.awaitingRetry()) {
                kills.abandonWaiting("failed", true);
            }
            calls.retryCancelled();
            kills.settleOutage("failed", true);
            recovery.skipUnverified("run failed");
            end(RunState.FAILED, reason);
            journal.record(new RunFailed(reason));
            completion.complete(result());
        }
    }

    private void end(RunState terminal, String reason) {
        if (watch != null) {
            watch.stop();
        }
        state = terminal;
        failureReason = reason;
        finishedAt = scheduler.now();
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel();
            pending = null;
        }
        alongside.forEach(Cancellable::cancel);
        alongside.clear();
    }

    /**
     * The journal could not keep {@code event}: nothing may be done that is not on record (above all, no termination
     * without its intent), so the run ends FAILED; the journal then unwinds the current step.
     */
    private void failBecauseTheRecorderFailed(RunEvent event, RuntimeException cause) {
        if (!state.isTerminal()) {
            cancelPending();
            // the recorder is failing: what the stop abandons is settled in the run's result only, not journaled
            String how = "failed (event " + event.seq() + " could not be recorded)";
            if (calls.awaitingRetry()) {
                kills.abandonWaiting(how, false);
            }
            calls.retryCancelled();
            kills.settleOutage(how, false);
            recovery.skipUnverified("run failed");
            end(RunState.FAILED, "could not record event " + event.seq() + " (" + event.type() + "): " + cause);
            journal.appendEvent(new RunFailed(failureReason));
            completion.complete(result());
        }
    }

    /** What the collaborators may ask of the run (see {@link RunControl}). */
    private final class Control implements RunControl {
        @Override
        public RunState state() {
            return state;
        }

        @Override
        public void schedule(Duration delay, Runnable task) {
            pending = scheduler.schedule(delay, guarded(task));
        }

        @Override
        public void scheduleAlongside(Duration delay, Runnable task) {
            Cancellable[] self = new Cancellable[1];
            // the task takes the lock first, so it finds itself registered (this is called under the lock)
            self[0] = scheduler.schedule(delay, guarded(() -> {
                synchronized (lock) {
                    alongside.remove(self[0]);
                }
                task.run();
            }));
            alongside.add(self[0]);
        }

        @Override
        public void continueWith(Runnable step) {
            ExperimentRun.this.continueWith(step);
        }

        @Override
        public void fail(String reason) {
            ExperimentRun.this.fail(reason);
        }
    }
}
