package dev.macaque.simulations;

import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Principal;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.simulations.pages.ReportPage;
import dev.macaque.simulate.ReportJson;
import dev.macaque.simulate.Simulation;
import dev.macaque.simulate.SimulationInput;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioError;
import dev.macaque.simulated.scenario.ScenarioException;
import dev.macaque.simulated.scenario.ScenarioParser;
import dev.macaque.text.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Training simulations in the server: a scenario is validated and bounded on the request thread (size, virtual
 * time), then run on one of a fixed number of worker threads with a wall-clock limit; at most {@code workers} run at
 * once and {@code queue} wait, further ones are refused. Every simulation and its reports are kept in the database
 * ({@link SimulationHistory}), the latest {@code keep} finished ones: they are listed after a restart, and one that
 * was queued or running when this node stopped is marked FAILED when it starts again.
 */
public final class SimulationService implements AutoCloseable {
    /** Why a request cannot be taken: each problem with the field it concerns. */
    public static final class Rejected extends RuntimeException {
        private final List<Map.Entry<String, String>> errors;

        Rejected(String message, List<Map.Entry<String, String>> errors) {
            super(message);
            this.errors = List.copyOf(errors);
        }

        public List<Map.Entry<String, String>> errors() {
            return errors;
        }
    }

    /** Every worker is busy and the queue is full. */
    public static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message);
        }
    }

    /** Thrown from the progress listener to stop a simulation that ran past its wall-clock limit. */
    private static final class TimedOut extends RuntimeException {
        TimedOut() {
            super(null, null, false, false);
        }
    }

    private final MacaqueConfig.SimulationsConfig config;
    private final Duration maxDuration;
    private final Duration timeout;
    private final AuditLog audit;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final SimulationHistory history;

    public SimulationService(MacaqueConfig.SimulationsConfig config, SimulationHistory history, AuditLog audit, Clock clock) {
        this.config = Objects.requireNonNull(config, "config is null");
        this.history = Objects.requireNonNull(history, "history is null");
        this.maxDuration = Durations.parse(config.maxDuration());
        this.timeout = Durations.parse(config.timeout());
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        AtomicInteger threads = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0, TimeUnit.SECONDS,
                config.queue() == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(config.queue()), task -> {
                    Thread thread = new Thread(task, "macaque-simulation-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        int closed = history.closeUnfinished(clock.instant());
        if (closed > 0) {
            org.slf4j.LoggerFactory.getLogger(SimulationService.class).warn(
                    "{} training simulations were queued or running when this node stopped: marked FAILED", closed);
        }
    }

    /** Validates and bounds {@code yaml}, then queues it; the returned view is QUEUED. */
    public TrainingSimulation submit(String yaml, Long seed, Principal principal, String source) {
        SimulationInput input = validate(yaml, seed);
        Scenario scenario = input.scenario();
        String id = "sim-" + UUID.randomUUID();
        TrainingSimulation queued = new TrainingSimulation(id, scenario.name(), scenario.seed(), "QUEUED", principal.display(),
                clock.instant(), null, null, null, null, null, null);
        history.insert(queued);
        try {
            workers.execute(() -> run(queued, input));
        } catch (RejectedExecutionException e) {
            history.delete(id);
            throw new Busy(config.workers() + " simulations are running and " + config.queue() + " are waiting, the most this server"
                    + " takes (simulations.workers, simulations.queue); try again when one has finished");
        }
        audit.record(principal.display(), principal.role().wireName(), "simulation.create", id, source, "ok", scenario.name());
        return queued;
    }

    private SimulationInput validate(String yaml, Long seed) {
        if (yaml == null || yaml.isBlank()) {
            throw new Rejected("scenario is required: the scenario file's text", List.of(Map.entry("scenario", "is required")));
        }
        SimulationInput input;
        try {
            input = SimulationInput.of(ScenarioParser.parse(yaml, "scenario"), seed);
        } catch (ScenarioException e) {
            List<Map.Entry<String, String>> errors = new ArrayList<>();
            for (ScenarioError error : e.errors()) {
                errors.add(Map.entry("scenario", "line " + error.line() + ": " + error.key() + ": " + error.message()));
            }
            throw new Rejected("invalid scenario: " + String.join("; ", e.messages()), errors);
        }
        List<Map.Entry<String, String>> errors = new ArrayList<>();
        long instances = input.scenario().groups().stream().mapToLong(GroupSpec::desired).sum();
        if (instances > config.maxInstances()) {
            errors.add(Map.entry("scenario", "the world has " + instances + " instances; this server simulates at most "
                    + config.maxInstances() + " (simulations.maxInstances): run it with macaque simulate instead"));
        }
        if (input.scenario().duration().compareTo(maxDuration) > 0) {
            errors.add(Map.entry("scenario", "duration " + Durations.format(input.scenario().duration()) + " is longer than the "
                    + config.maxDuration() + " this server simulates (simulations.maxDuration)"));
        }
        if (!errors.isEmpty()) {
            throw new Rejected("scenario too big for this server: " + String.join("; ", errors.stream().map(Map.Entry::getValue).toList()),
                    errors);
        }
        return input;
    }

    private void run(TrainingSimulation queued, SimulationInput input) {
        TrainingSimulation v = new TrainingSimulation(queued.id(), queued.scenario(), queued.seed(), "RUNNING", queued.createdBy(),
                queued.createdAt(), null, null, null, null, null, null);
        history.update(v, null, null);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            SimulationReport report = new Simulation(input, List.of()).run((simulated, total, events) -> {
                // The listener is told after each of the run's slices: the place to stop a run past its limit, or at shutdown.
                if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                    throw new TimedOut();
                }
            });
            String json = ReportJson.write(report);
            String html = ReportPage.write(report);
            long failed = report.hypotheses().stream().filter(h -> !h.passed()).count();
            history.update(new TrainingSimulation(v.id(), v.scenario(), v.seed(), "COMPLETED", v.createdBy(), v.createdAt(),
                    clock.instant(), report.allHypothesesHold(), null, report.hypotheses().size(), (int) failed, report.incidents().size()),
                    json, html);
        } catch (TimedOut e) {
            fail(v, Thread.currentThread().isInterrupted() ? "stopped: the server is shutting down" : "stopped after the " + config.timeout() + " wall-clock limit (simulations.timeout); run it with macaque simulate");
        } catch (OutOfMemoryError e) {
            fail(v, "ran out of memory; run it with macaque simulate and a larger -Xmx");
        } catch (RuntimeException e) {
            fail(v, "failed: " + e);
        } finally {
            prune();
        }
    }

    private void fail(TrainingSimulation v, String why) {
        history.update(new TrainingSimulation(v.id(), v.scenario(), v.seed(), "FAILED", v.createdBy(), v.createdAt(), clock.instant(),
                null, why, null, null, null), null, null);
    }

    /** Keeps the latest {@code simulations.keep} finished simulations; a database error here must not end the worker. */
    private void prune() {
        try {
            history.prune(config.keep());
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SimulationService.class).warn("Could not delete old training simulations", e);
        }
    }

    /** How many finished simulations are kept ({@code simulations.keep}). */
    public int keep() {
        return config.keep();
    }

    /** Newest first: the kept finished ones and those queued or running. */
    public List<TrainingSimulation> list() {
        return history.list(config.keep() + config.workers() + config.queue());
    }

    public Optional<TrainingSimulation> find(String id) {
        return history.find(id);
    }

    public Optional<String> reportJson(String id) {
        return history.report(id, false);
    }

    public Optional<String> reportHtml(String id) {
        return history.report(id, true);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
