package dev.macaque.engine;

import dev.macaque.engine.probe.ProbeEvaluator;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Starts experiment runs. One runner serves many runs; each run is an {@link ExperimentRun} driven by the
 * {@link TaskScheduler}, so the same code runs in real time in the server and in virtual time in tests and the
 * simulator. Thread-safe.
 */
public final class ExperimentRunner {
    private final ProviderDirectory providers;
    private final TaskScheduler scheduler;
    private final RunRecorder recorder;
    private final KillHistory killHistory;
    private final GuardrailCheck guardrails;
    private final RetryPolicy retryPolicy;
    private final LongSupplier seedSource;
    private final TargetSelector selector = new TargetSelector();
    private final ProbeEvaluator probes;
    /** Zone outages' extra parallel calls, shared by every run this runner starts. */
    private final OutageLanes outageLanes;

    /** The pool size the runners that are not told assume: the server's engine pool. */
    public static final int DEFAULT_ENGINE_THREADS = 4;

    /**
     * @param providers   the providers to discover and kill through
     * @param scheduler   time and timers
     * @param recorder    where events go (intent events are on record before the provider is called)
     * @param killSwitch  the global stop
     * @param killHistory last kill per group, across runs; every real kill is appended
     * @param retryPolicy retries of retryable provider errors
     * @param seedSource  draws a seed for specs without one (the server uses a secure random; simulations their PRNG)
     */
    public ExperimentRunner(ProviderDirectory providers, TaskScheduler scheduler, RunRecorder recorder, KillSwitch killSwitch,
                            KillHistory killHistory, RetryPolicy retryPolicy, LongSupplier seedSource) {
        this(providers, scheduler, recorder, killSwitch, killHistory, retryPolicy, seedSource, ProbeEvaluator.UNSUPPORTED,
                StopConditions.NONE);
    }

    /**
     * @param probes         evaluates the experiments' steady-state probes (asynchronously, bounded by their timeouts)
     * @param stopConditions the server-wide stop conditions, read before every termination
     */
    public ExperimentRunner(ProviderDirectory providers, TaskScheduler scheduler, RunRecorder recorder, KillSwitch killSwitch,
                            KillHistory killHistory, RetryPolicy retryPolicy, LongSupplier seedSource, ProbeEvaluator probes,
                            StopConditions stopConditions) {
        this(providers, scheduler, recorder, killSwitch, killHistory, retryPolicy, seedSource, probes, stopConditions,
                DEFAULT_ENGINE_THREADS);
    }

    /**
     * @param engineThreads the threads the scheduler runs tasks on: zone outages' group calls beyond each run's own
     *                      are bounded across all runs from it ({@code engineThreads / 2 - 1} at once), so that
     *                      probe ticks, recovery checks and other runs' steps always find a free thread
     */
    public ExperimentRunner(ProviderDirectory providers, TaskScheduler scheduler, RunRecorder recorder, KillSwitch killSwitch,
                            KillHistory killHistory, RetryPolicy retryPolicy, LongSupplier seedSource, ProbeEvaluator probes,
                            StopConditions stopConditions, int engineThreads) {
        this.outageLanes = OutageLanes.forEngineThreads(engineThreads);
        this.probes = Objects.requireNonNull(probes, "probes is null");
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler is null");
        this.recorder = Objects.requireNonNull(recorder, "recorder is null");
        this.killHistory = Objects.requireNonNull(killHistory, "killHistory is null");
        this.guardrails = new GuardrailCheck(Objects.requireNonNull(killSwitch, "killSwitch is null"), killHistory,
                stopConditions);
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy is null");
        this.seedSource = Objects.requireNonNull(seedSource, "seedSource is null");
    }

    /** The zone outages' shared extra lanes (tests see that every lane taken is given back). */
    OutageLanes outageLanes() {
        return outageLanes;
    }

    /**
     * Creates a run in state PENDING and schedules its first step now; returns at once. The run then proceeds on
     * the scheduler.
     *
     * @param runId unique id of the run (events and idempotency keys carry it)
     */
    public ExperimentRun start(String runId, ExperimentSpec spec) {
        Objects.requireNonNull(runId, "runId is null");
        Objects.requireNonNull(spec, "spec is null");
        long seed = spec.seedIfAny().orElseGet(seedSource);
        ExperimentRun run = new ExperimentRun(runId, spec, seed, providers, scheduler, recorder, killHistory, guardrails,
                retryPolicy, selector, probes, outageLanes);
        run.launch();
        return run;
    }
}
