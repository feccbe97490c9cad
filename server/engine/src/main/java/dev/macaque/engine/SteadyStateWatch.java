package dev.macaque.engine;

import dev.macaque.engine.RunStep.ProbeEvaluated;
import dev.macaque.engine.RunStep.ProbeEvaluated.Phase;
import dev.macaque.engine.probe.Probe;
import dev.macaque.engine.probe.ProbeEvaluator;
import dev.macaque.engine.probe.ProbeResult;
import dev.macaque.engine.probe.SteadyState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Watches a run's steady-state probes: one round of every probe before the first kill, then a round every
 * {@code every} on the run's {@link TaskScheduler} (virtual time in the simulator) until the run ends.
 *
 * <p>Probes are evaluated outside the run's lock and never block a thread: a round's results are handled, under the
 * run's lock and in the probes' order, on the thread that completes the last one (the scheduler's own thread in
 * virtual time, where evaluators complete synchronously). A round still waiting for an answer when the next is due is
 * not overlapped: that tick is skipped, so a probe is never asked more often than {@code every} (its timeout is at
 * most {@code every}).
 */
final class SteadyStateWatch {
    /** What the run lets the watch do; called with the run's lock held. */
    interface Host {
        void record(RunStep step);

        Runnable guarded(Runnable task);

        /** The phase a round now belongs to (DURING while killing, AFTER while verifying). */
        Phase phase();

        /** A probe reached {@code tolerance} consecutive failures. */
        void toleranceExceeded(ProbeEvaluated failing);

        /** Every probe passed in the round just recorded. */
        void roundPassed();
    }

    private final SteadyState steadyState;
    private final ProbeEvaluator evaluator;
    private final TaskScheduler scheduler;
    private final Object lock;
    private final Host host;
    private final Map<String, Integer> failuresInARow = new HashMap<>();
    private boolean steady;
    private boolean inFlight;
    private boolean stopped;
    private Cancellable timer;

    SteadyStateWatch(SteadyState steadyState, ProbeEvaluator evaluator, TaskScheduler scheduler, Object lock, Host host) {
        this.steadyState = steadyState;
        this.evaluator = evaluator;
        this.scheduler = scheduler;
        this.lock = lock;
        this.host = host;
    }

    /**
     * Evaluates every probe once, before the first kill; {@code then} gets (under the lock) the first failure in the
     * probes' order, or null when every probe passed, after which the periodic rounds start.
     */
    void checkBeforeFirstKill(Consumer<ProbeEvaluated> then) {
        evaluateRound(Phase.BEFORE, results -> {
            ProbeEvaluated firstFailure = results.stream().filter(r -> !r.passed()).findFirst().orElse(null);
            if (firstFailure == null && !stopped) {
                timer = scheduler.schedule(steadyState.every(), host.guarded(this::tick));
            }
            then.accept(firstFailure);
        });
    }

    /** Whether every probe passed in the latest round. Called under the lock. */
    boolean steady() {
        return steady;
    }

    /** No more rounds; a round in flight is dropped when it completes. Called under the lock. */
    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void tick() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            timer = scheduler.schedule(steadyState.every(), host.guarded(this::tick));
            if (inFlight) {
                return;
            }
        }
        Phase phase;
        synchronized (lock) {
            phase = host.phase();
        }
        evaluateRound(phase, results -> {
            ProbeEvaluated exceeded = results.stream()
                    .filter(r -> !r.passed() && r.consecutiveFailures() >= steadyState.tolerance()).findFirst().orElse(null);
            if (exceeded != null) {
                host.toleranceExceeded(exceeded);
            } else if (steady) {
                host.roundPassed();
            }
        });
    }

    private void evaluateRound(Phase phase, Consumer<List<ProbeEvaluated>> then) {
        synchronized (lock) {
            inFlight = true;
        }
        List<CompletableFuture<ProbeResult>> answers = new ArrayList<>();
        for (Probe probe : steadyState.probes()) {
            CompletableFuture<ProbeResult> answer;
            try {
                answer = evaluator.evaluate(probe);
            } catch (RuntimeException e) {
                answer = CompletableFuture.completedFuture(ProbeResult.fail(probe.name(), "none", "the probe could not be "
                        + "evaluated: " + e));
            }
            answers.add(answer.exceptionally(e -> ProbeResult.fail(probe.name(), "none", "the probe could not be "
                    + "evaluated: " + e)));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) ->
                host.guarded(() -> {
                    synchronized (lock) {
                        inFlight = false;
                        if (stopped) {
                            return;
                        }
                        List<ProbeEvaluated> recorded = new ArrayList<>();
                        boolean allPassed = true;
                        for (CompletableFuture<ProbeResult> answer : answers) {
                            ProbeResult result = answer.join();
                            int inARow = result.passed() ? 0 : failuresInARow.getOrDefault(result.probe(), 0) + 1;
                            failuresInARow.put(result.probe(), inARow);
                            allPassed &= result.passed();
                            ProbeEvaluated step = new ProbeEvaluated(result.probe(), phase, result.passed(), result.observed(),
                                    result.detail(), inARow);
                            host.record(step);
                            recorded.add(step);
                        }
                        steady = allPassed;
                        then.accept(recorded);
                    }
                }).run());
    }
}
