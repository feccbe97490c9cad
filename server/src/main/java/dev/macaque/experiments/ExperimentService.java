package dev.macaque.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Principal;
import dev.macaque.auth.Scope;
import dev.macaque.engine.RunStep;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.ExperimentRun;
import dev.macaque.engine.ExperimentRunner;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.engine.GroupRecovery;
import dev.macaque.engine.RecoveryStatus;
import dev.macaque.engine.RunResult;
import dev.macaque.engine.TargetPreview;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.engine.TerminationRecord;
import dev.macaque.text.Suggestions;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts experiment runs from API requests and keeps them durable: the run row (and its idempotency key) is committed
 * before the engine starts, every engine event is committed as it happens, and the final view is saved when the run
 * ends. Runs this process drives are kept in memory for live views and abort.
 */
public final class ExperimentService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExperimentService.class);
    private static final SecureRandom SEEDS = new SecureRandom();
    private static final double[] RECOVERY_BUCKETS_SECONDS = {5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600};

    private final RunStore store;
    private final ExperimentRunner runner;
    private final ProviderInstances providers;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json;
    private final ObjectMapper canonical;
    private final MeterRegistry metrics;
    private final DistributionSummary recoverySeconds;
    private final Map<String, LiveRun> live = new ConcurrentHashMap<>();
    private final TerminationReconciler reconciler;
    /** Longer than any provider call with the engine's retries: after it, "still in service" is a final answer. */
    private static final java.time.Duration IN_FLIGHT_GRACE = java.time.Duration.ofMinutes(10);
    private final TargetPreview targetPreview;
    private final RunPredictor predictor;

    /**
     * @param template   the template it was started from, or null
     * @param excluded   when no group was eligible at its start (a scheduled run): why, from the preview; else null
     */
    private record LiveRun(ExperimentRun run, JsonNode spec, boolean leashed, RunView.TemplateRef template,
            List<PreviewView.ExcludedView> excluded, PredictionView prediction) {
        RunView view() {
            RunView view = view(run.result());
            return prediction == null ? view : view.withPrediction(prediction);
        }

        RunView view(RunResult result) {
            return RunView.of(result, spec, leashed).withOrigin(template, excluded);
        }
    }

    public ExperimentService(RunStore store, ExperimentRunner runner, ProviderInstances providers, AuditLog audit, Clock clock,
            ObjectMapper json, MeterRegistry metrics, TargetPreview targetPreview, RunPredictor predictor) {
        this(store, runner, providers, audit, clock, json, metrics, targetPreview, predictor, new TerminationReconciler(providers));
    }

    public ExperimentService(RunStore store, ExperimentRunner runner, ProviderInstances providers, AuditLog audit, Clock clock,
            ObjectMapper json, MeterRegistry metrics, TargetPreview targetPreview, RunPredictor predictor,
            TerminationReconciler reconciler) {
        this.predictor = Objects.requireNonNull(predictor, "predictor is null");
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler is null");
        this.targetPreview = Objects.requireNonNull(targetPreview, "targetPreview is null");
        this.store = Objects.requireNonNull(store, "store is null");
        this.runner = Objects.requireNonNull(runner, "runner is null");
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.canonical = json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        // Buckets a person reads at a glance, seconds to hours (not a generated percentile ladder of ~70).
        this.recoverySeconds = DistributionSummary.builder("macaque.recovery.seconds")
                .description("Time from the first kill in a group until it was seen back at its pre-kill healthy count")
                .baseUnit("seconds").serviceLevelObjectives(RECOVERY_BUCKETS_SECONDS).register(metrics);
        for (String state : List.of("PENDING", "RUNNING", "VERIFYING")) {
            io.micrometer.core.instrument.Gauge.builder("macaque.runs.active", live,
                            runs -> runs.values().stream().filter(r -> r.run().state().name().equals(state)).count())
                    .description("Runs this node drives now, by state (ended runs: macaque_runs_finished_total)")
                    .tag("state", state).register(metrics);
        }
    }

    /** What a create request led to. */
    public sealed interface Outcome {
        record Started(RunView run) implements Outcome {
        }

        record Replayed(RunView run) implements Outcome {
        }

        record IdempotencyConflict(String existingRunId) implements Outcome {
        }
    }

    /**
     * Seeds the server draws stay below 2^53, so that jq and JavaScript read them back exactly: a seed sent back as
     * it was received must pick the same victims.
     */
    public static long drawSeed() {
        return SEEDS.nextLong() >>> 11;
    }

    /**
     * A spec as the server would run it: validated, seeded, and forced to a dry run when leashed.
     *
     * @param specJson the request without {@code predict}: the spec as the run shows it
     * @param predict  whether the request asked for a prediction ({@code "predict": true})
     */
    private record Prepared(ExperimentSpec spec, boolean leashed, JsonNode specJson, boolean predict) {
    }

    /**
     * Validates {@code body} (throws {@code SpecValidationException} listing every bad field, unknown provider ids
     * included) and gives it the seed and dry-run flag a run would get.
     */
    private Prepared prepare(JsonNode body) {
        JsonNode specJson = body;
        boolean predict = false;
        if (body.isObject() && body.has("predict")) {
            JsonNode flag = body.get("predict");
            if (!flag.isBoolean()) {
                throw new SpecValidationException(List.of(new FieldError("predict", "must be true or false, was " + flag)));
            }
            predict = flag.booleanValue();
            specJson = ((com.fasterxml.jackson.databind.node.ObjectNode) body.deepCopy()).without("predict");
        }
        ExperimentSpec parsed = new ExperimentSpecParser().parse(specJson);
        checkProviderIds(specJson);
        boolean leashed = mayReachLeashedProvider(parsed);
        ExperimentSpec spec = parsed.withSeed(parsed.seedIfAny().orElseGet(ExperimentService::drawSeed));
        return new Prepared(leashed && !spec.dryRun() ? spec.withDryRun(true) : spec, leashed, specJson, predict);
    }

    /** Each id in {@code targets.providers} must be a configured provider that was created; else a 400 naming it. */
    private void checkProviderIds(JsonNode body) {
        JsonNode ids = body.path("targets").path("providers");
        List<String> configured = providers.all().stream().map(ConfiguredProvider::id).sorted().toList();
        List<FieldError> errors = new java.util.ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i).asText();
            Optional<ConfiguredProvider> provider = providers.byId(id);
            if (provider.isEmpty()) {
                errors.add(new FieldError("targets.providers[" + i + "]", "'" + id + "' is not a configured provider (configured: "
                        + String.join(", ", configured) + ")" + Suggestions.closest(id, configured)
                        .map(s -> "; did you mean '" + s + "'?").orElse("")));
            } else if (!provider.get().isReady()) {
                errors.add(new FieldError("targets.providers[" + i + "]", "provider '" + id + "' is configured but could not be "
                        + "created: " + provider.get().error()));
            }
        }
        if (!errors.isEmpty()) {
            throw new SpecValidationException(errors);
        }
    }

    /** A spec whose targets leave no eligible group, or that names an unavailable provider: nothing to run. */
    public static final class NothingToRun extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient PreviewView preview;

        NothingToRun(String message, PreviewView preview) {
            super(message);
            this.preview = preview;
        }

        public PreviewView preview() {
            return preview;
        }
    }

    /**
     * What a run of {@code body} would do now, without starting one (throws {@code SpecValidationException}); with
     * {@code "predict": true} also its prediction (throws {@link RunPredictor.NotPredictable} when none can be made).
     */
    public PreviewView preview(JsonNode body) {
        return preview(body, Principal.SYSTEM);
    }

    /**
     * The preview {@code principal} gets: a scoped principal's spec runs within its scope ({@link ScopedSpecs}), so the
     * groups outside it are excluded as {@code OUT_OF_SCOPE}.
     */
    public PreviewView preview(JsonNode body, Principal principal) {
        Prepared prepared = prepare(ScopedSpecs.within(body, principal.scope()));
        PreviewView preview = preview(prepared);
        return prepared.predict() ? preview.withPrediction(predictor.predict(prepared.spec())) : preview;
    }

    private PreviewView preview(Prepared prepared) {
        TargetPreview.Result result = targetPreview.preview(prepared.spec(), prepared.spec().seed(), clock.instant());
        return PreviewView.of(result, prepared.spec().dryRun(), prepared.leashed());
    }

    /**
     * Validates {@code body} (throws {@code SpecValidationException} listing every bad field), checks with a preview
     * that the run can do something (throws {@link NothingToRun} otherwise), then creates and starts a run.
     *
     * @param template the template the spec came from, or null
     */
    public Outcome create(JsonNode body, Principal principal, String idempotencyKey, String source, RunView.TemplateRef template) {
        return create(body, principal, idempotencyKey, source, template, null);
    }

    /**
     * As {@link #create}, keeping {@code previewShown} (the preview the person saw of exactly this spec, or null) with the run
     * in its creation transaction.
     */
    public Outcome create(JsonNode requested, Principal principal, String idempotencyKey, String source, RunView.TemplateRef template,
            PreviewShown previewShown) {
        // A scoped principal's run considers only the groups of its scope, now and at every kill.
        JsonNode body = ScopedSpecs.within(requested, principal.scope());
        Prepared prepared = prepare(body);
        PreviewView preview = preview(prepared);
        List<String> namedButDown = preview.excluded().stream()
                .filter(e -> e.reason().equals("PROVIDER_UNAVAILABLE") && e.group() == null
                        && prepared.spec().targets().providers().contains(e.provider()))
                .map(e -> e.provider() + " (" + e.detail() + ")").toList();
        if (!namedButDown.isEmpty()) {
            throw new NothingToRun("targets.providers names a provider that is unavailable now: " + String.join("; ", namedButDown),
                    preview);
        }
        if (preview.eligible().isEmpty()) {
            throw new NothingToRun("no group is eligible for this experiment: " + preview.whyNothingIsEligible(), preview);
        }
        ExperimentSpec spec = prepared.spec();
        boolean leashed = prepared.leashed();
        String runId = "run_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        // Probe header values may be secrets: no view of the spec (stored, API, dashboard) ever shows them.
        JsonNode shown = SpecSecrets.masked(prepared.specJson());
        String specJson = write(shown);
        // Predicted just before the run starts, with its seed: kept with the run in its creation transaction.
        PredictionView prediction = prepared.predict() ? predictor.predict(spec) : null;
        RunStore.Creation creation = store.create(runId, spec.name(), spec.seed(), spec.dryRun(), principal.display(), clock.instant(),
                specJson, idempotencyKey, idempotencyKey == null ? null : hash(body), prediction == null ? null : writeValue(prediction),
                template == null ? null : template.name(), previewShown == null ? null : writeValue(previewShown));
        if (creation instanceof RunStore.Creation.Replayed replayed) {
            return new Outcome.Replayed(view(replayed.runId()).orElseThrow());
        }
        if (creation instanceof RunStore.Creation.KeyConflict conflict) {
            return new Outcome.IdempotencyConflict(conflict.runId());
        }
        audit.record(principal.display(), principal.role().wireName(), "experiment.create", runId, source, "ok",
                "name=" + spec.name() + " dryRun=" + spec.dryRun() + (leashed ? " (leashed)" : "")
                        + (template == null ? "" : " template=" + template.name() + " v" + template.version()));
        ExperimentRun run = runner.start(runId, spec);
        LiveRun liveRun = new LiveRun(run, shown, leashed, template, null, prediction);
        live.put(runId, liveRun);
        started(spec.dryRun());
        run.completion().whenComplete((result, error) -> finished(liveRun, result, error));
        return new Outcome.Started(liveRun.view());
    }

    /**
     * Starts a run the schedule runner decided on, under the id the decision reserved: a second start under the same id
     * (a node taking over a decision) fails on the run's primary key instead of running twice.
     *
     * @param spec     the narrowed spec (one group, one instance); made a dry run when it may reach a leashed provider
     * @param specJson what the run's view shows as its spec
     */
    public RunView startScheduled(String runId, ExperimentSpec spec, JsonNode specJson, String createdBy) {
        boolean leashed = mayReachLeashedProvider(spec);
        ExperimentSpec dryOrNot = leashed && !spec.dryRun() ? spec.withDryRun(true) : spec;
        ExperimentSpec effective = dryOrNot.withSeed(dryOrNot.seedIfAny().orElseGet(ExperimentService::drawSeed));
        // A scheduled run is started whatever it finds (its decision reserved it), but never silently empty: when no
        // group is eligible, the run's view keeps the preview's reasons.
        PreviewView preview = preview(new Prepared(effective, leashed, specJson, false));
        List<PreviewView.ExcludedView> excluded = preview.eligible().isEmpty() ? preview.excluded() : null;
        store.create(runId, effective.name(), effective.seed(), effective.dryRun(), createdBy,
                clock.instant(), write(SpecSecrets.masked(specJson)), null, null);
        audit.record(createdBy, null, "experiment.create", runId, "schedule", "ok",
                "name=" + effective.name() + " dryRun=" + effective.dryRun() + (leashed ? " (leashed)" : ""));
        ExperimentRun run = runner.start(runId, effective);
        LiveRun liveRun = new LiveRun(run, SpecSecrets.masked(specJson), leashed, null, excluded, null);
        live.put(runId, liveRun);
        started(effective.dryRun());
        run.completion().whenComplete((result, error) -> finished(liveRun, result, error));
        return liveRun.view();
    }

    private void started(boolean dryRun) {
        io.micrometer.core.instrument.Counter.builder("macaque.runs.started").description("Runs started, dry runs apart")
                .tag("dryRun", Boolean.toString(dryRun)).register(metrics).increment();
    }

    /** Ids of the runs this process drives now. */
    public Set<String> liveRunIds() {
        return Set.copyOf(live.keySet());
    }

    /** Aborts the runs this node drives that an abort was requested for on another node. */
    public void applyAbortRequests() {
        store.abortRequests(liveRunIds()).forEach((id, reason) -> {
            LiveRun liveRun = live.get(id);
            if (liveRun != null && liveRun.run().abort(reason)) {
                log.info("Aborted run {} as requested through another node: {}", id, reason);
            }
        });
    }

    /**
     * Stops runs this node no longer owns (another node closed them after this node's lease expired): aborted here so
     * that nothing more happens; their intents were already refused by the store.
     */
    public void abortLost(java.util.Collection<String> runIds) {
        for (String id : runIds) {
            LiveRun liveRun = live.get(id);
            if (liveRun != null && liveRun.run().abort("this node lost its lease on the run; another node closed it")) {
                log.warn("Aborted run {}: this node's lease on it expired and another node took it over", id);
            }
        }
    }

    /**
     * In leashed mode a run may not terminate on a real cloud. A run that can reach any leashed provider (it names one,
     * or names none while one is configured) becomes a dry run as a whole.
     */
    private boolean mayReachLeashedProvider(ExperimentSpec spec) {
        Set<String> wanted = spec.targets().providers();
        return providers.all().stream().filter(ConfiguredProvider::leashed)
                .anyMatch(p -> wanted.isEmpty() || wanted.contains(p.id()));
    }

    private void finished(LiveRun liveRun, RunResult result, Throwable error) {
        try {
            RunResult last = result != null ? result : liveRun.run().result();
            store.saveView(liveRun.view(last));
            io.micrometer.core.instrument.Counter.builder("macaque.runs.finished").description("Runs that ended, by final state")
                    .tag("state", last.state().name()).register(metrics).increment();
            dev.macaque.engine.RunVerdict verdict = dev.macaque.engine.RunVerdict.of(last);
            if (verdict != null) {
                io.micrometer.core.instrument.Counter.builder("macaque.runs.verdicts")
                        .description("Runs that ended, by verdict (only PASSED went well)")
                        .tag("verdict", verdict.verdict().name()).register(metrics).increment();
                log.info("Run {} ({}) ended {}: {}, {}", last.runId(), last.experiment(), last.state(), verdict.verdict(), verdict.reason());
            }
            // (each termination's audit entries were written by the store with its intent and with its outcome)
            for (TerminationRecord t : last.terminations()) {
                io.micrometer.core.instrument.Counter.builder("macaque.terminations")
                        .description("Terminations (and dry-run would-be terminations) by provider and outcome")
                        .tag("provider", t.group().provider()).tag("outcome", t.status().name()).register(metrics).increment();
            }
            for (GroupRecovery r : last.recoveries()) {
                if (r.status() == RecoveryStatus.RECOVERED && r.timeToRecover() != null) {
                    recoverySeconds.record(r.timeToRecover().toMillis() / 1000.0);
                }
            }
            if (error != null) {
                log.error("Run {} ended with an error", last.runId(), error);
            }
        } catch (RuntimeException e) {
            log.error("Could not save the end of run {}", liveRun.run().id(), e);
        } finally {
            live.remove(liveRun.run().id());
        }
    }

    /** The run's current view: live when this process drives it, else the last saved one. */
    public Optional<RunView> view(String runId) {
        LiveRun liveRun = live.get(runId);
        if (liveRun != null) {
            return Optional.of(liveRun.view());
        }
        return store.find(runId).map(this::fromStore).map(view -> store.prediction(runId).map(this::readPrediction)
                .map(view::withPrediction).orElse(view));
    }

    /** The preview shown before the run was started; empty when no preview of exactly its spec preceded it. */
    public Optional<PreviewShown> previewShown(String runId) {
        return store.previewShown(runId).map(stored -> {
            try {
                return json.readValue(stored, PreviewShown.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a stored preview is not readable: " + e.getOriginalMessage(), e);
            }
        });
    }

    /**
     * The verdict of a listed run: null while it goes on; else decided from its saved view (or, for a run closed
     * without one, from its events and termination rows), exactly as {@link #view} would show it.
     */
    public dev.macaque.engine.RunVerdict verdictOf(StoredRun row) {
        if (!isTerminal(row.state())) {
            return null;
        }
        LiveRun liveRun = live.get(row.id());
        RunView view = liveRun != null ? liveRun.view() : fromStore(row);
        return view.verdict() == null ? null : new dev.macaque.engine.RunVerdict(view.verdict(), view.verdictReason());
    }

    private PredictionView readPrediction(String stored) {
        try {
            return json.readValue(stored, PredictionView.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored prediction is not readable: " + e.getOriginalMessage(), e);
        }
    }

    private RunView fromStore(StoredRun row) {
        if (row.resultJson() != null) {
            try {
                RunView saved = json.readValue(row.resultJson(), RunView.class);
                return saved.state().equals(row.state()) ? saved
                        : new RunView(saved.id(), saved.name(), row.state(), saved.seed(), saved.dryRun(), saved.leashed(), saved.createdAt(),
                                saved.finishedAt(), saved.failureReason(), saved.spec(), saved.victims(), saved.terminations(),
                                saved.refusals(), saved.recoveries(), saved.eventCount(), saved.template(), saved.excluded(),
                                saved.timeToSteadySeconds(), null);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored run " + row.id() + " is not readable", e);
            }
        }
        // A run without a saved view: driven by another process, or closed after a crash. Its row and events tell.
        JsonNode spec;
        try {
            spec = json.readTree(row.specJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored spec of run " + row.id() + " is not JSON", e);
        }
        List<RunEvent> events = store.events(row.id(), 0);
        String failure = events.stream().map(RunEvent::step).filter(RunStep.RunFailed.class::isInstance)
                .map(step -> ((RunStep.RunFailed) step).reason()).reduce((a, b) -> b).orElse(null);
        // Written as it happened: the victims as selected, the refusals, and each termination as its row says now
        // (PENDING until its outcome is known, reconciled after a crash).
        List<RunView.VictimView> victims = events.stream().map(RunEvent::step).filter(RunStep.VictimsSelected.class::isInstance)
                .flatMap(step -> ((RunStep.VictimsSelected) step).victims().stream()).map(RunView.VictimView::of).toList();
        List<RunView.RefusalView> refusals = events.stream().filter(e -> e.step() instanceof RunStep.TerminationRefused)
                .map(e -> {
                    RunStep.TerminationRefused r = (RunStep.TerminationRefused) e.step();
                    return new RunView.RefusalView(r.group().toString(), r.instance(), r.reason().name(), r.message(), e.time());
                }).toList();
        Instant finishedAt = isTerminal(row.state()) && !events.isEmpty() ? events.get(events.size() - 1).time() : null;
        return new RunView(row.id(), row.name(), row.state(), row.seed(), row.dryRun(), false, row.createdAt(), finishedAt, failure,
                spec, victims, store.terminations(row.id()), refusals, List.of(), events.size(), null, null,
                events.stream().map(RunEvent::step).filter(RunStep.SteadyAgain.class::isInstance)
                        .map(step -> ((RunStep.SteadyAgain) step).after().toMillis() / 1000.0).findFirst().orElse(null),
                null);
    }

    /**
     * Aborts a run this process drives; empty when it is not live here. A scoped principal may abort only runs within
     * its scope (403 otherwise, audited): it sees the whole fleet, but acts only on its team's.
     */
    public Optional<RunView> abort(String runId, Principal principal, String reason, String source) {
        if (!principal.scope().unscoped()) {
            // (an unknown run is left to the answer below: nothing to abort)
            Scope runScope = view(runId).map(v -> ScopedSpecs.of(v.spec())).orElse(principal.scope());
            if (!principal.scope().covers(runScope)) {
                audit.record(principal.display(), principal.role().wireName(), "auth.denied", "abort " + runId, source, "forbidden",
                        "run outside the scope " + principal.scope());
                throw new dev.macaque.http.ProblemException(403, "run " + runId + " is not within your scope (" + principal.scope()
                        + (runScope.unscoped() ? "; it may touch any group" : "; it runs within " + runScope)
                        + "): only its team or an unscoped operator may abort it");
            }
        }
        LiveRun liveRun = live.get(runId);
        if (liveRun == null) {
            // Driven by another node (or by none): leave the request where the driving node looks at every poll.
            if (!store.requestAbort(runId, reason, principal.display(), clock.instant())) {
                return Optional.empty();
            }
            audit.record(principal.display(), principal.role().wireName(), "experiment.abort-requested", runId, source, "ok", reason);
            return view(runId);
        }
        boolean aborted = liveRun.run().abort(reason == null ? "aborted by " + principal.display() : reason);
        audit.record(principal.display(), principal.role().wireName(), "experiment.abort", runId, source, aborted ? "ok" : "already-ended",
                reason);
        return Optional.of(liveRun.view());
    }

    /** Whether {@code state} is one a run never leaves. */
    public static boolean isTerminal(String state) {
        return RunStates.isTerminal(state);
    }

    public boolean isLive(String runId) {
        return live.containsKey(runId);
    }

    public RunStore store() {
        return store;
    }

    /**
     * Closes runs left unfinished by a process that stopped mid-run. The engine cannot pick a run up where it stopped,
     * so such a run is closed as FAILED with its open termination intents marked UNKNOWN: never silently lost, and no
     * kill is ever repeated.
     */
    public int closeAbandonedRuns() {
        return closeAbandonedRuns(RunStore.Abandoned.EVERY_UNFINISHED, "startup");
    }

    /**
     * Closes abandoned runs not live here, as {@code which} defines them. Of several nodes, exactly one closes each run
     * (row lock in {@link RunStore#closeIfAbandoned}).
     */
    public int closeAbandonedRuns(RunStore.Abandoned which, String source) {
        boolean atStart = which != RunStore.Abandoned.EXPIRED;
        int closed = 0;
        for (StoredRun row : store.abandoned(clock.instant(), which)) {
            if (live.containsKey(row.id())) {
                continue;
            }
            // Ask each provider what became of the open intents before taking the run's lock: never terminate again.
            Map<RunStore.OpenIntent, TerminationReconciler.Reconciliation> reconciled = new java.util.HashMap<>();
            for (RunStore.OpenIntent intent : store.openIntents(row.id())) {
                TerminationReconciler.Reconciliation r = reconciler.check(intent.group(), intent.instanceId());
                if (!atStart && r.outcome().equals(TerminationReconciler.Reconciliation.NOT_TERMINATED)) {
                    // The node that lost its lease may still be inside this very provider call: not final yet.
                    r = new TerminationReconciler.Reconciliation(TerminationReconciler.Reconciliation.UNKNOWN,
                            r.detail() + " when checked; the node that stopped may still have the call in flight, asked again later");
                }
                reconciled.put(intent, r);
            }
            String[] reason = new String[1];
            boolean done = store.closeIfAbandoned(row.id(), clock.instant(), which, reconciled, results -> {
                reason[0] = "the node driving this run stopped while it was " + row.state()
                        + "; it was closed " + (atStart ? "at restart" : "by node " + store.nodeId() + " after its lease expired")
                        + " without repeating any termination"
                        + (results.isEmpty() ? "" : ". Terminations with an unknown outcome when it stopped, as their provider "
                        + "reports them now: " + results.stream().map(r -> r.intent().instanceId() + " in " + r.intent().group()
                        + ": " + r.reconciliation().outcome()).collect(Collectors.joining(", "))
                        + ". Recovery of these groups was not verified after the stop");
                return reason[0];
            });
            if (!done) {
                continue;
            }
            audit.record("system", null, "experiment.close-abandoned", row.id(), source, "failed", reason[0]);
            log.warn("Closed run {} left {} by a stopped node: {}", row.id(), row.state(), reason[0]);
            closed++;
        }
        return closed;
    }

    /**
     * Asks the providers again about terminations a crash left UNKNOWN (the provider could not answer, or a node that
     * lost its lease may still have been calling it); each answer is recorded once, in the run and the audit trail.
     */
    public int reconcileUnknownTerminations() {
        Instant now = clock.instant();
        return store.reconcileLater(intent -> {
            TerminationReconciler.Reconciliation r = reconciler.check(intent.group(), intent.instanceId());
            boolean callMayStillBeInFlight = intent.intendedAt().isAfter(now.minus(IN_FLIGHT_GRACE));
            return r.outcome().equals(TerminationReconciler.Reconciliation.NOT_TERMINATED) && callMayStillBeInFlight
                    ? new TerminationReconciler.Reconciliation(TerminationReconciler.Reconciliation.UNKNOWN, r.detail()) : r;
        }, now);
    }

    private String write(JsonNode body) {
        return writeValue(body);
    }

    private String writeValue(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of the body with object keys sorted, so that key order and spacing do not make two requests differ. */
    private String hash(JsonNode body) {
        try {
            Object plain = canonical.treeToValue(body, Object.class);
            byte[] bytes = canonical.writeValueAsString(plain).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Aborts every live run (server shutdown), so that none is left half-done without a record. */
    @Override
    public void close() {
        List<java.util.concurrent.CompletableFuture<RunResult>> ending = live.values().stream().map(l -> {
            l.run().abort("server shutting down");
            return l.run().completion();
        }).toList();
        try {
            // let the aborted runs record their end before the database closes
            java.util.concurrent.CompletableFuture.allOf(ending.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("Not every run recorded its end before shutdown; they will be closed at the next start");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
