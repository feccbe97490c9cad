package dev.macaque.safety;

import dev.macaque.engine.Cancellable;
import dev.macaque.engine.StopConditions;
import dev.macaque.engine.TaskScheduler;
import dev.macaque.engine.probe.Probe;
import dev.macaque.engine.probe.ProbeEvaluator;
import dev.macaque.engine.probe.ProbeResult;
import dev.macaque.engine.probe.SteadyState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the server's {@code safety.stopConditions} every {@code every} on the engine's scheduler and keeps the
 * latest status of each; {@link #failing()} answers from that status, so a termination's decision never waits for a
 * probe. A condition fails after {@code tolerance} consecutive failed evaluations and passes again at its first pass.
 * Until a condition's first evaluation is known it counts as failing: chaos waits for a known-good service.
 */
public final class StopConditionMonitor implements StopConditions, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StopConditionMonitor.class);

    /**
     * The latest status of one stop condition, as the API shows it.
     *
     * @param since       when it last changed between passing and failing (the monitor's start before that)
     * @param evaluatedAt its latest evaluation, null before the first
     */
    public record Status(String name, String kind, boolean passing, String observed, String detail, Instant since,
                         Instant evaluatedAt, int consecutiveFailures) {
    }

    private final SteadyState conditions;
    private final ProbeEvaluator evaluator;
    private final TaskScheduler scheduler;
    private final Map<String, Status> status = new LinkedHashMap<>();
    private final Object lock = new Object();
    private boolean inFlight;
    private boolean closed;
    private Cancellable next;

    public StopConditionMonitor(SteadyState conditions, ProbeEvaluator evaluator, TaskScheduler scheduler) {
        this.conditions = Objects.requireNonNull(conditions, "conditions is null");
        this.evaluator = Objects.requireNonNull(evaluator, "evaluator is null");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
        Instant now = scheduler.now();
        for (Probe probe : conditions.probes()) {
            status.put(probe.name(), new Status(probe.name(), probe.kind(), false, "none", "not evaluated yet", now, null, 0));
        }
        if (!conditions.isEmpty()) {
            next = scheduler.schedule(java.time.Duration.ZERO, this::round);
        }
    }

    /** The status of every condition, in the configuration's order. */
    public List<Status> statuses() {
        synchronized (lock) {
            return List.copyOf(status.values());
        }
    }

    @Override
    public Optional<Failing> failing() {
        synchronized (lock) {
            return status.values().stream().filter(s -> !s.passing()).findFirst()
                    .map(s -> new Failing(s.name(), s.observed(), s.detail(), s.since()));
        }
    }

    private void round() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            next = scheduler.schedule(conditions.every(), this::round);
            if (inFlight) {
                return; // the last round is still waiting for an answer (bounded by the timeouts): never overlap
            }
            inFlight = true;
        }
        List<CompletableFuture<ProbeResult>> answers = new ArrayList<>();
        for (Probe probe : conditions.probes()) {
            answers.add(evaluator.evaluate(probe).exceptionally(e -> ProbeResult.fail(probe.name(), "none", e.toString())));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            synchronized (lock) {
                inFlight = false;
                Instant now = scheduler.now();
                for (CompletableFuture<ProbeResult> answer : answers) {
                    settle(answer.join(), now);
                }
            }
        });
    }

    private void settle(ProbeResult result, Instant now) {
        Status before = status.get(result.probe());
        int failures = result.passed() ? 0 : before.consecutiveFailures() + 1;
        boolean passing = result.passed() || (before.evaluatedAt() != null && before.passing()
                && failures < conditions.tolerance());
        Instant since = passing == before.passing() && before.evaluatedAt() != null ? before.since() : now;
        if (passing != before.passing() || before.evaluatedAt() == null) {
            // Names and observed values only: a probe's headers (secrets) are never part of a result.
            log.info("Stop condition {} is {} (observed: {}{})", result.probe(), passing ? "passing" : "FAILING: all chaos is held",
                    result.observed(), result.detail().isEmpty() ? "" : "; " + result.detail());
        }
        status.put(result.probe(), new Status(result.probe(), before.kind(), passing, result.observed(), result.detail(),
                since, now, failures));
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (next != null) {
                next.cancel();
            }
        }
    }
}
