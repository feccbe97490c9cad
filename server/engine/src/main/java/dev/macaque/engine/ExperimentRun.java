package dev.macaque.engine;

import dev.macaque.text.Durations;
import dev.macaque.engine.GuardrailDecision.Refused;
import dev.macaque.engine.RunStep.GroupNotRecovered;
import dev.macaque.engine.RunStep.GroupRecovered;
import dev.macaque.engine.RunStep.GroupSkipped;
import dev.macaque.engine.RunStep.GroupsDiscovered;
import dev.macaque.engine.RunStep.HealthCheckFailed;
import dev.macaque.engine.RunStep.HealthChecked;
import dev.macaque.engine.RunStep.RunAborted;
import dev.macaque.engine.RunStep.RunCompleted;
import dev.macaque.engine.RunStep.RunCreated;
import dev.macaque.engine.RunStep.RunFailed;
import dev.macaque.engine.RunStep.RunStarted;
import dev.macaque.engine.RunStep.TerminationAbandoned;
import dev.macaque.engine.RunStep.TerminationFailed;
import dev.macaque.engine.RunStep.TerminationIntent;
import dev.macaque.engine.RunStep.TerminationOutcome;
import dev.macaque.engine.RunStep.TerminationRefused;
import dev.macaque.engine.RunStep.VerificationStarted;
import dev.macaque.engine.RunStep.VictimsSelected;
import dev.macaque.engine.probe.ProbeEvaluator;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * One run of an experiment: discover the candidate groups, select victims, check the guardrails and terminate one
 * victim at a time, then verify that every affected group recovers.
 *
 * <p>Every step is a task on the {@link TaskScheduler}; waits (retry backoff, health polling) are scheduled tasks,
 * never sleeps. Exactly one task of a run is pending at any time, so steps never overlap; the only concurrent
 * entry is {@link #abort}. All state is guarded by one lock that is never held during a provider call.
 *
 * <p>Every step is recorded as a {@link RunEvent} through the {@link RunRecorder}, in order; a termination's
 * {@link RunEventType#TERMINATION_INTENT} is recorded (the recorder has returned) before the provider is called,
 * and its outcome after. An outcome of a provider call already under way when the run is aborted is still recorded,
 * after {@link RunEventType#RUN_ABORTED}.
 */
public final class ExperimentRun {
    /** How long a termination waits before looking again whether its intent can be recorded. */
    static final Duration RECORDER_HOLD = Duration.ofSeconds(1);
    private final String runId;
    private final ExperimentSpec spec;
    private final long seed;
    private final ProviderDirectory directory;
    private final TaskScheduler scheduler;
    private final RunRecorder recorder;
    private final KillHistory killHistory;
    private final GuardrailCheck guardrails;
    private final ProviderCalls providerCalls;
    private final TargetSelector selector;
    private final SplittableRandom selectionRandom;
    private final CompletableFuture<RunResult> completion = new CompletableFuture<>();

    private final Object lock = new Object();
    private RunState state = RunState.PENDING;
    private final Instant createdAt;
    private Instant finishedAt;
    private String failureReason;
    private long nextSeq = 1;
    private final List<RunEvent> events = new ArrayList<>();
    private List<Victim> victims = List.of();
    private final List<TerminationRecord> terminations = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private final Map<GroupRef, GroupRecovery> recoveries = new LinkedHashMap<>();
    private final Map<GroupRef, FleetGroup> fleet = new HashMap<>();
    private final Map<GroupRef, Integer> healthyNow = new HashMap<>();
    private final Map<String, CloudProvider> providersById = new HashMap<>();
    private final List<String> unavailableProviders = new ArrayList<>();
    private int terminationsMade;
    private Cancellable pending;
    private boolean awaitingRetry;
    private int currentTermination = -1;
    /** Null without steady-state probes. */
    private final SteadyStateWatch watch;
    private Duration timeToSteady;

    ExperimentRun(String runId, ExperimentSpec spec, long seed, ProviderDirectory directory, TaskScheduler scheduler,
                  RunRecorder recorder, KillHistory killHistory, GuardrailCheck guardrails, RetryPolicy retryPolicy,
                  TargetSelector selector, ProbeEvaluator probes) {
        this.runId = runId;
        this.spec = spec;
        this.seed = seed;
        this.directory = directory;
        this.scheduler = scheduler;
        this.recorder = recorder;
        this.killHistory = killHistory;
        this.guardrails = guardrails;
        this.selector = selector;
        this.selectionRandom = SeededRandom.stream(seed, "selection");
        this.providerCalls = new ProviderCalls(lock, new RetryHost(), retryPolicy, SeededRandom.stream(seed, "retry-jitter"));
        this.createdAt = scheduler.now();
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
                    victims, terminations, refusals, new ArrayList<>(recoveries.values()), events, timeToSteady);
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
            if (awaitingRetry && currentTermination >= 0) {
                TerminationRecord waiting = terminations.get(currentTermination);
                terminations.set(currentTermination, finish(waiting, TerminationStatus.ABANDONED, waiting.attempts(),
                        "abandoned: the run was aborted while waiting to retry", null, null));
                record(new TerminationAbandoned(waiting.group(), waiting.instanceId()));
                currentTermination = -1;
            }
            awaitingRetry = false;
            skipUnverified(terminal == RunState.HALTED ? "run halted" : "run aborted");
            end(terminal, reason);
            try {
                record(why);
            } catch (RecorderFailed e) {
                // The abort stands; the event is still in the run's own list.
            }
            completion.complete(result());
            return true;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Start and discovery

    void launch() {
        synchronized (lock) {
            try {
                record(new RunCreated(spec.name(), seed, spec.dryRun()));
            } catch (RecorderFailed e) {
                return; // the run is FAILED and says why
            }
            pending = scheduler.schedule(Duration.ZERO, guarded(this::begin));
        }
    }

    private void begin() {
        List<CloudProvider> chosen = new ArrayList<>();
        synchronized (lock) {
            if (state != RunState.PENDING) {
                return;
            }
            state = RunState.RUNNING;
            record(new RunStarted(spec.name(), seed, spec.dryRun(), describe(spec.selection())));
            List<CloudProvider> all = directory.providers();
            if (spec.targets().providers().isEmpty()) {
                chosen.addAll(all);
            } else {
                for (String id : spec.targets().providers()) {
                    Optional<CloudProvider> provider = directory.provider(id);
                    if (provider.isEmpty()) {
                        fail("targets.providers names '" + id + "', which is not a configured provider (configured: "
                                + all.stream().map(CloudProvider::id).collect(Collectors.joining(", ")) + ")");
                        return;
                    }
                    chosen.add(provider.get());
                }
            }
            chosen.sort(Comparator.comparing(CloudProvider::id));
            chosen.forEach(p -> providersById.put(p.id(), p));
        }
        ExperimentSpec.Targets targets = spec.targets();
        if (!targets.providers().isEmpty() && !targets.regions().isEmpty() && !targets.groups().isEmpty()) {
            // Every candidate is named (a scheduled kill names exactly one group): read those groups instead of
            // listing whole regions, which on a large account is many calls for one answer.
            List<GroupRef> named = new ArrayList<>();
            for (CloudProvider provider : chosen) {
                for (String region : new java.util.TreeSet<>(targets.regions())) {
                    for (String name : new java.util.TreeSet<>(targets.groups())) {
                        named.add(new GroupRef(provider.id(), region, name));
                    }
                }
            }
            describeGroups(named, 0, new ArrayList<>(), new int[] {named.size(), 0});
            return;
        }
        listGroups(chosen, 0, new ArrayList<>(), new int[2]);
    }

    /** Lists the groups of each provider in turn; {@code counts} = {listed, not opted in}. */
    private void listGroups(List<CloudProvider> chosen, int index, List<GroupRef> candidates, int[] counts) {
        if (index == chosen.size()) {
            if (!chosen.isEmpty() && unavailableProviders.size() == chosen.size()) {
                fail("discovery failed: no provider could list its groups: " + String.join("; ", unavailableProviders));
                return;
            }
            describeGroups(candidates, 0, new ArrayList<>(), counts);
            return;
        }
        CloudProvider provider = chosen.get(index);
        GroupFilter filter = new GroupFilter(spec.targets().regions(), spec.targets().tags());
        providerCalls.call("listGroups", new ProviderCalls.CallContext(provider.id(), null, null, null), () -> provider.listGroups(filter),
                (summaries, attempts) -> {
                    synchronized (lock) {
                        if (state != RunState.RUNNING) {
                            return;
                        }
                        for (GroupSummary summary : summaries) {
                            counts[0]++;
                            Eligibility.Verdict verdict = Eligibility.ofListed(provider.id(), summary, spec.targets());
                            if (verdict.eligible()) {
                                candidates.add(summary.ref());
                            } else if (verdict instanceof Eligibility.Excluded excluded) {
                                countOrSkip(summary.ref(), excluded, counts);
                            }
                        }
                        continueWith(() -> listGroups(chosen, index + 1, candidates, counts));
                    }
                },
                (error, attempts) -> {
                    String reason = "listGroups failed after " + attempts + " attempt(s): " + error;
                    if (!spec.targets().providers().isEmpty()) {
                        // The spec asked for this provider by name: without it the run cannot do what was asked.
                        fail("discovery failed: provider " + provider.id() + " (named in targets.providers) is unavailable: "
                                + reason);
                        return;
                    }
                    // One unreachable provider must not stop runs that never needed it: say so, go on with the others.
                    synchronized (lock) {
                        if (state != RunState.RUNNING) {
                            return;
                        }
                        unavailableProviders.add(provider.id() + ": " + reason);
                        record(new RunStep.ProviderUnavailable(provider.id(), reason));
                        continueWith(() -> listGroups(chosen, index + 1, candidates, counts));
                    }
                });
    }

    /**
     * Reads the candidates with one batched {@link CloudProvider#describeGroups} per provider (SPI 1.1; a provider
     * built for 1.0 reads them one by one through the SPI's default), instead of one describeGroup per candidate:
     * cloud API rate limits are what a whole-fleet run meets first. {@code counts} = {listed, not opted in}.
     */
    private void describeGroups(List<GroupRef> candidates, int index, List<FleetGroup> found, int[] counts) {
        describeGroups(candidates.stream().collect(Collectors.groupingBy(GroupRef::provider, java.util.TreeMap::new,
                Collectors.toList())).entrySet().stream().toList(), 0, found, counts, new ArrayList<>());
    }

    private void describeGroups(List<Map.Entry<String, List<GroupRef>>> byProvider, int index, List<FleetGroup> found,
                                int[] counts, List<String> unreachable) {
        if (index == byProvider.size()) {
            selectVictims(found, counts, unreachable);
            return;
        }
        String providerId = byProvider.get(index).getKey();
        List<GroupRef> refs = byProvider.get(index).getValue();
        CloudProvider provider = providersById.get(providerId);
        providerCalls.call("describeGroups", new ProviderCalls.CallContext(providerId, refs.size(), null, null),
                () -> provider.describeGroups(refs),
                (batch, attempts) -> {
                    synchronized (lock) {
                        if (state != RunState.RUNNING) {
                            return;
                        }
                        for (VmGroup group : batch.groups()) {
                            GroupRef ref = group.ref();
                            if (!ref.provider().equals(providerId) || !refs.contains(ref)) {
                                record(new GroupSkipped(ref, "reported by provider " + providerId + " but not asked for"));
                                continue;
                            }
                            // Tags are read again here: eligibility is decided on the freshest data before any kill.
                            Eligibility.Verdict verdict = Eligibility.ofDescribed(ref, group.tags(), spec.targets());
                            if (verdict.eligible()) {
                                found.add(fleetGroup(group));
                            } else if (verdict instanceof Eligibility.Excluded excluded) {
                                countOrSkip(ref, excluded, counts);
                            }
                        }
                        batch.notFound().forEach((ref, why) -> record(new GroupSkipped(ref, "not found during discovery: " + why)));
                        batch.unreachable().forEach(where -> unreachable.add(providerId + ": " + where));
                        continueWith(() -> describeGroups(byProvider, index + 1, found, counts, unreachable));
                    }
                },
                (error, attempts) -> fail("discovery failed: describeGroups on provider " + providerId + " ("
                        + refs.size() + " group(s)) after " + attempts + " attempt(s): " + error));
    }

    /**
     * Not opted in is counted (a fleet is mostly groups that did not opt in: one event each would drown the run);
     * a group excluded for a reason its owner would want to hear of (a foreign provider id, an invalid weight) is a
     * {@code GROUP_SKIPPED} event; a group the filters leave out is simply not a candidate.
     */
    private void countOrSkip(GroupRef ref, Eligibility.Excluded excluded, int[] counts) {
        switch (excluded.reason()) {
            case NOT_OPTED_IN -> counts[1]++;
            case FOREIGN_PROVIDER_ID, INVALID_WEIGHT -> record(new GroupSkipped(ref, excluded.detail()));
            default -> {
            }
        }
    }

    private static String describe(ExperimentSpec.Selection selection) {
        double value = selection.value();
        String number = value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        return selection.mode().wireName() + " " + number;
    }

    private static FleetGroup fleetGroup(VmGroup group) {
        List<String> healthy = group.healthyInService().stream().map(Instance::id).toList();
        return new FleetGroup(group.ref(), group.tags(), group.desiredCapacity(), healthy);
    }

    private void selectVictims(List<FleetGroup> found, int[] counts, List<String> unreachable) {
        synchronized (lock) {
            if (state != RunState.RUNNING) {
                return;
            }
            List<FleetGroup> sorted = found.stream()
                    .sorted(Comparator.comparing((FleetGroup g) -> g.ref().provider())
                            .thenComparing(g -> g.ref().region()).thenComparing(g -> g.ref().name()))
                    .toList();
            List<FleetGroup> snapshot = sorted;
            if (spec.concurrency() == ExperimentSpec.Concurrency.EXCLUSIVE && !sorted.isEmpty()) {
                // A group another run is acting on, or that is still recovering from one, is not a candidate; the
                // intent's atomic check refuses GROUP_BUSY if one becomes busy after this.
                java.util.Set<GroupRef> busy = recorder.busyGroups(runId);
                if (!busy.isEmpty()) {
                    snapshot = new ArrayList<>();
                    for (FleetGroup group : sorted) {
                        if (busy.contains(group.ref())) {
                            record(new GroupSkipped(group.ref(), "GROUP_BUSY: another run is acting on this group or it is "
                                    + "still recovering from one (set \"concurrency\": \"shared\" to act on it anyway)"));
                        } else {
                            snapshot.add(group);
                        }
                    }
                }
            }
            for (FleetGroup group : snapshot) {
                fleet.put(group.ref(), group);
                healthyNow.put(group.ref(), group.healthyCount());
            }
            SelectionResult selection = selector.select(snapshot, spec.targets(), spec.selection(), selectionRandom);
            // Unreachable parts of the fleet are a finding: the run saw less than was asked for.
            record(new GroupsDiscovered(counts[0], counts[1], snapshot.size(), selection.eligibleGroups(),
                    selection.eligibleInstances(), unreachable));
            victims = selection.victims();
            record(new VictimsSelected(victims));
            continueWith(this::checkSteadyStateBeforeFirstKill);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Terminations

    /**
     * Takes the victims in order from {@code start}: the run's own guardrails first (cheap, no provider call); then
     * the victim's group is read again, and the decision against the whole fleet's record is made in the same atomic
     * step that records the intent ({@link RunRecorder#recordIntent}); only then is the provider asked to terminate.
     */
    private void killNext(int start) {
        int index = start;
        Victim victim;
        synchronized (lock) {
            if (state != RunState.RUNNING) {
                return;
            }
            while (true) {
                if (index >= victims.size()) {
                    beginVerification();
                    return;
                }
                if (!recorder.canRecord()) {
                    // No intent could be committed now: hold this termination and look again, instead of failing the run.
                    int held = index;
                    pending = scheduler.schedule(RECORDER_HOLD, guarded(() -> killNext(held)));
                    return;
                }
                victim = victims.get(index);
                FleetGroup group = fleet.get(victim.group());
                KillCandidate candidate = new KillCandidate(group.ref(), group.tags(), group.desiredCapacity(),
                        healthyNow.get(group.ref()));
                GuardrailDecision decision = guardrails.check(candidate, spec.guardrails(), terminationsMade, scheduler.now());
                if (decision instanceof Refused refused) {
                    refuse(victim, refused.reason(), refused.message());
                    index++;
                    continue;
                }
                break;
            }
        }
        Victim chosen = victim;
        int at = index;
        CloudProvider provider = providersById.get(chosen.group().provider());
        providerCalls.call("describeGroup", new ProviderCalls.CallContext(null, null, chosen.group(), null), () -> provider.describeGroup(chosen.group()),
                (fresh, attempts) -> decideAndTerminate(at, chosen, fresh),
                (error, attempts) -> {
                    synchronized (lock) {
                        if (state != RunState.RUNNING) {
                            return;
                        }
                        refuse(chosen, RefusalReason.GROUP_UNREADABLE, "could not read group " + chosen.group()
                                + " right before the kill, after " + attempts + " attempt(s): " + error);
                        continueWith(() -> killNext(at + 1));
                    }
                });
    }

    /** With the group as read just now: decide against the fleet and record the intent atomically, then terminate. */
    private void decideAndTerminate(int index, Victim victim, VmGroup fresh) {
        TerminationRequest request;
        int recordIndex;
        synchronized (lock) {
            if (state != RunState.RUNNING) {
                return;
            }
            java.util.Set<String> healthyIds = new java.util.TreeSet<>();
            fresh.healthyInService().forEach(instance -> healthyIds.add(instance.id()));
            java.util.Set<String> ownKills = new java.util.TreeSet<>();
            for (TerminationRecord t : terminations) {
                if (t.group().equals(victim.group()) && t.status() != TerminationStatus.FAILED
                        && t.status() != TerminationStatus.ABANDONED) {
                    ownKills.add(t.instanceId());
                }
            }
            int killsSoFar = terminationsMade;
            Instant now = scheduler.now();
            IntentGuard guard = view -> {
                java.util.Set<String> effective = new java.util.TreeSet<>(healthyIds);
                effective.removeAll(view.inFlight().keySet());
                effective.removeAll(ownKills);
                KillCandidate candidate = new KillCandidate(victim.group(), fresh.tags(), fresh.desiredCapacity(),
                        effective.size());
                return guardrails.check(candidate, spec.guardrails(), killsSoFar, now, new GuardrailCheck.FleetContext(view,
                        runId, spec.concurrency() == ExperimentSpec.Concurrency.SHARED, victim.instanceId(),
                        effective.contains(victim.instanceId())));
            };
            String idempotencyKey = runId + "-" + index;
            try {
                recorder.recordIntent(appendEvent(new TerminationIntent(victim.group(), victim.instanceId(), spec.dryRun(),
                        idempotencyKey, spec.guardrails().minTimeBetweenKills())), guard);
            } catch (TerminationClaimRefused refused) {
                // Not on record: take the event back so the run's events stay gap-free and match the store.
                events.remove(events.size() - 1);
                nextSeq--;
                refuse(victim, refused.reason(), refused.getMessage());
                continueWith(() -> killNext(index + 1));
                return;
            } catch (RuntimeException e) {
                failBecauseTheRecorderFailed(events.get(events.size() - 1), e);
                return;
            }
            request = new TerminationRequest(victim.group(), victim.instanceId(), spec.dryRun(),
                    "macaque run " + runId + " (" + spec.name() + ")", idempotencyKey);
            terminationsMade++;
            recordIndex = terminations.size();
            currentTermination = recordIndex;
            terminations.add(new TerminationRecord(victim.group(), victim.instanceId(), spec.dryRun(),
                    TerminationStatus.IN_PROGRESS, 0, scheduler.now(), null, "", null, null));
        }
        CloudProvider provider = providersById.get(request.group().provider());
        int next = index + 1;
        providerCalls.call("terminate", new ProviderCalls.CallContext(null, null, request.group(), request.instanceId()),
                () -> provider.terminate(request),
                (result, attempts) -> onTerminated(recordIndex, result, attempts, next),
                (error, attempts) -> onTerminationFailed(recordIndex, error, attempts, next));
    }

    /** Called under the lock. */
    private void refuse(Victim victim, RefusalReason reason, String message) {
        refusals.add(new Refusal(victim.group(), victim.instanceId(), reason, message, scheduler.now()));
        record(new TerminationRefused(victim.group(), victim.instanceId(), reason, message));
    }

    private void onTerminated(int recordIndex, TerminationResult result, int attempts, int next) {
        synchronized (lock) {
            TerminationRecord intent = terminations.get(recordIndex);
            TerminationStatus status = switch (result.outcome()) {
                case TERMINATED -> TerminationStatus.TERMINATED;
                case ALREADY_TERMINATED -> TerminationStatus.ALREADY_TERMINATED;
                case DRY_RUN_WOULD_TERMINATE -> TerminationStatus.WOULD_TERMINATE;
            };
            if (status == TerminationStatus.WOULD_TERMINATE && !intent.dryRun()) {
                // A provider that only pretended on a real request did not terminate: that is a failure to report.
                terminations.set(recordIndex, finish(intent, TerminationStatus.FAILED, attempts, result.detail(),
                        "UNEXPECTED", "provider answered a real termination with a dry-run outcome"));
                record(new TerminationFailed(intent.group(), intent.instanceId(), attempts, "UNEXPECTED",
                        "provider answered a real termination with a dry-run outcome"));
            } else {
                terminations.set(recordIndex, finish(intent, status, attempts, result.detail(), null, null));
                record(new TerminationOutcome(intent.group(), intent.instanceId(), status, attempts, result.detail()));
                Instant now = scheduler.now();
                healthyNow.merge(intent.group(), -1, Integer::sum);
                if (status.killed()) {
                    killHistory.recordKill(intent.group(), now);
                }
                if (!recoveries.containsKey(intent.group())) {
                    FleetGroup group = fleet.get(intent.group());
                    boolean verify = status.killed() && state == RunState.RUNNING;
                    String why = !status.killed() ? "dry run: nothing was terminated"
                            : verify ? "" : "not verified: the run ended before this termination returned";
                    recoveries.put(intent.group(), new GroupRecovery(intent.group(),
                            verify ? RecoveryStatus.PENDING : RecoveryStatus.SKIPPED, group.healthyCount(), -1, now, null, why));
                }
            }
            continueAfterTermination(next);
        }
    }

    private void onTerminationFailed(int recordIndex, ProviderCalls.ProviderError error, int attempts, int next) {
        synchronized (lock) {
            TerminationRecord intent = terminations.get(recordIndex);
            terminations.set(recordIndex, finish(intent, TerminationStatus.FAILED, attempts, "", error.kind(), error.message()));
            record(new TerminationFailed(intent.group(), intent.instanceId(), attempts, error.kind(), error.message()));
            continueAfterTermination(next);
        }
    }

    private void continueAfterTermination(int next) {
        currentTermination = -1;
        // pacing.between: one kill at a time with a pause, so that the probes can stop the run before its next kill.
        Duration pause = next < victims.size() ? spec.pacing() : Duration.ZERO;
        if (state == RunState.RUNNING) {
            pending = scheduler.schedule(pause, guarded(() -> killNext(next)));
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

    private TerminationRecord finish(TerminationRecord intent, TerminationStatus status, int attempts, String detail,
                                     String errorKind, String errorMessage) {
        return new TerminationRecord(intent.group(), intent.instanceId(), intent.dryRun(), status, attempts,
                intent.intentAt(), scheduler.now(), detail, errorKind, errorMessage);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Recovery verification

    /** Called under the lock once every victim was handled. */
    private void beginVerification() {
        if (unverified().isEmpty()) {
            complete();
            return;
        }
        state = RunState.VERIFYING;
        record(new VerificationStarted(unverified(), spec.recovery().timeout(), spec.recovery().pollInterval()));
        scheduleNextPoll();
    }

    private List<GroupRef> unverified() {
        return recoveries.values().stream().filter(r -> r.status() == RecoveryStatus.PENDING).map(GroupRecovery::group).toList();
    }

    private void scheduleNextPoll() {
        Instant now = scheduler.now();
        Instant earliestDeadline = recoveries.values().stream().filter(r -> r.status() == RecoveryStatus.PENDING)
                .map(r -> r.firstKillAt().plus(spec.recovery().timeout())).min(Comparator.naturalOrder()).orElseThrow();
        Duration untilDeadline = Duration.between(now, earliestDeadline);
        Duration delay = untilDeadline.compareTo(spec.recovery().pollInterval()) < 0 ? untilDeadline : spec.recovery().pollInterval();
        pending = scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, guarded(this::poll));
    }

    private void poll() {
        List<GroupRef> groups;
        synchronized (lock) {
            if (state != RunState.VERIFYING) {
                return;
            }
            groups = unverified();
        }
        for (GroupRef ref : groups) {
            CloudProvider provider = providersById.get(ref.provider());
            GroupHealth health = null;
            String error = null;
            try {
                health = provider.health(ref);
            } catch (ProviderException e) {
                error = e.kind().name() + ": " + e.getMessage();
            } catch (RuntimeException e) {
                error = "UNEXPECTED: " + e;
            }
            synchronized (lock) {
                if (state != RunState.VERIFYING) {
                    return;
                }
                settle(ref, health, error);
            }
        }
        synchronized (lock) {
            if (state != RunState.VERIFYING) {
                return;
            }
            if (unverified().isEmpty()) {
                completeOnceSteady();
            } else {
                scheduleNextPoll();
            }
        }
    }

    private void settle(GroupRef ref, GroupHealth health, String error) {
        GroupRecovery current = recoveries.get(ref);
        Instant now = scheduler.now();
        int lastHealthy = current.lastHealthy();
        String detail = current.detail();
        if (health != null) {
            lastHealthy = health.healthyInService();
            record(new HealthChecked(ref, lastHealthy, health.desiredCapacity(), current.preKillHealthy()));
            if (lastHealthy >= current.preKillHealthy()) {
                Duration took = Duration.between(current.firstKillAt(), now);
                recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.RECOVERED, current.preKillHealthy(), lastHealthy,
                        current.firstKillAt(), took, "back to " + lastHealthy + " healthy in service"));
                record(new GroupRecovered(ref, took, lastHealthy));
                return;
            }
        } else {
            detail = "last health read failed: " + error;
            record(new HealthCheckFailed(ref, error));
        }
        Instant deadline = current.firstKillAt().plus(spec.recovery().timeout());
        if (!now.isBefore(deadline)) {
            String finding = "not back to " + current.preKillHealthy() + " healthy in service within "
                    + Durations.format(spec.recovery().timeout()) + " (last read: "
                    + (lastHealthy < 0 ? "none" : Integer.toString(lastHealthy)) + ")"
                    + (health == null ? "; " + detail : "");
            recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.NOT_RECOVERED, current.preKillHealthy(), lastHealthy,
                    current.firstKillAt(), null, finding));
            record(new GroupNotRecovered(ref, spec.recovery().timeout(), lastHealthy, current.preKillHealthy()));
        } else {
            recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.PENDING, current.preKillHealthy(), lastHealthy,
                    current.firstKillAt(), null, health == null ? detail : ""));
        }
    }

    private void skipUnverified(String why) {
        for (GroupRef ref : unverified()) {
            GroupRecovery current = recoveries.get(ref);
            recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.SKIPPED, current.preKillHealthy(), current.lastHealthy(),
                    current.firstKillAt(), null, "not verified: " + why));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Steady state (the probes; see SteadyStateWatch)

    /** Before the first kill every probe must pass, else the run ends NOT_STEADY with nothing terminated. */
    private void checkSteadyStateBeforeFirstKill() {
        if (watch == null || victims.isEmpty()) {
            killNext(0);
            return;
        }
        watch.checkBeforeFirstKill(failure -> {
            if (state != RunState.RUNNING) {
                return;
            }
            if (failure == null) {
                continueWith(() -> killNext(0));
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
        Instant deadline = recoveries.values().stream().filter(r -> r.status() != RecoveryStatus.SKIPPED)
                .map(r -> r.firstKillAt().plus(spec.recovery().timeout())).min(Comparator.naturalOrder()).orElse(scheduler.now());
        Duration wait = Duration.between(scheduler.now(), deadline);
        pending = scheduler.schedule(wait.isNegative() ? Duration.ZERO : wait, guarded(() -> {
            synchronized (lock) {
                if (state == RunState.VERIFYING) {
                    complete(); // not steady again in time: timeToSteady stays null, a finding
                }
            }
        }));
    }

    private final class WatchHost implements SteadyStateWatch.Host {
        public void record(RunStep step) {
            ExperimentRun.this.record(step);
        }

        public Runnable guarded(Runnable task) {
            return ExperimentRun.this.guarded(task);
        }

        public RunStep.ProbeEvaluated.Phase phase() {
            return state == RunState.RUNNING ? RunStep.ProbeEvaluated.Phase.DURING : RunStep.ProbeEvaluated.Phase.AFTER;
        }

        public void toleranceExceeded(RunStep.ProbeEvaluated failing) {
            if (state != RunState.RUNNING) {
                return; // every kill is made: the run goes on verifying and waits for the probes to pass again
            }
            int remaining = victims.size() - terminations.size() - refusals.size();
            String reason = "halted: probe " + failing.probe() + " failed " + failing.consecutiveFailures()
                    + " time(s) in a row (observed: " + failing.observed() + "; " + failing.detail() + ") at "
                    + scheduler.now() + "; " + remaining + " victim(s) not terminated";
            stop(RunState.HALTED, reason, new RunStep.RunHalted(failing.probe(), failing.observed(), failing.detail(),
                    failing.consecutiveFailures(), remaining));
        }

        public void roundPassed() {
            if (state == RunState.VERIFYING && unverified().isEmpty()) {
                cancelPending();
                complete();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Endings

    private void complete() {
        Instant firstKill = recoveries.values().stream().filter(r -> r.status() != RecoveryStatus.SKIPPED)
                .map(GroupRecovery::firstKillAt).min(Comparator.naturalOrder()).orElse(null);
        if (watch != null && firstKill != null && watch.steady()) {
            timeToSteady = Duration.between(firstKill, scheduler.now());
            record(new RunStep.SteadyAgain(timeToSteady));
        }
        end(RunState.COMPLETED, null);
        Map<TerminationStatus, Long> byStatus = terminations.stream()
                .collect(Collectors.groupingBy(TerminationRecord::status, () -> new java.util.EnumMap<>(TerminationStatus.class),
                        Collectors.counting()));
        Map<RecoveryStatus, Long> byRecovery = recoveries.values().stream()
                .collect(Collectors.groupingBy(GroupRecovery::status, () -> new java.util.EnumMap<>(RecoveryStatus.class),
                        Collectors.counting()));
        record(new RunCompleted(victims.size(), refusals.size(), byStatus, byRecovery));
        completion.complete(result());
    }

    private void fail(String reason) {
        synchronized (lock) {
            if (state.isTerminal()) {
                return;
            }
            cancelPending();
            skipUnverified("run failed");
            end(RunState.FAILED, reason);
            record(new RunFailed(reason));
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
    }

    private void record(RunStep step) {
        RunEvent event = appendEvent(step);
        try {
            recorder.record(event);
        } catch (RuntimeException e) {
            failBecauseTheRecorderFailed(event, e);
        }
    }

    /** The next event of this run, in its own list (the recorder is called by the caller). */
    private RunEvent appendEvent(RunStep step) {
        RunEvent event = new RunEvent(runId, nextSeq++, scheduler.now(), step);
        events.add(event);
        return event;
    }

    /**
     * An event that cannot be kept must stop the run: nothing may be done that is not on record (above all, no
     * termination without its intent). The run ends FAILED, and the current step unwinds.
     */
    private void failBecauseTheRecorderFailed(RunEvent event, RuntimeException cause) {
        if (!state.isTerminal()) {
            cancelPending();
            skipUnverified("run failed");
            end(RunState.FAILED, "could not record event " + event.seq() + " (" + event.type() + "): " + cause);
            events.add(new RunEvent(runId, nextSeq++, scheduler.now(), new RunFailed(failureReason)));
            completion.complete(result());
        }
        throw new RecorderFailed(cause);
    }

    /** Unwinds a step after the recorder failed; caught by {@link #guarded}. */
    private static final class RecorderFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RecorderFailed(RuntimeException cause) {
            super(cause);
        }
    }

    /** A task of this run: a recorder failure has already ended the run, so it stops the task quietly. */
    private Runnable guarded(Runnable step) {
        return () -> {
            try {
                step.run();
            } catch (RecorderFailed alreadyHandled) {
                // The run is FAILED and its result says why; nothing is left to do in this task.
            }
        };
    }

    /** The run's side of {@link ProviderCalls}: a retry waits as the run's one pending task, which an abort cancels. */
    private final class RetryHost implements ProviderCalls.Run {
        public boolean ended() {
            return state.isTerminal();
        }

        public void record(RunStep step) {
            ExperimentRun.this.record(step);
        }

        public void awaitRetry(Duration delay, Runnable retry) {
            awaitingRetry = true;
            pending = scheduler.schedule(delay, guarded(() -> {
                synchronized (lock) {
                    awaitingRetry = false;
                    if (state.isTerminal()) {
                        return;
                    }
                }
                retry.run();
            }));
        }
    }
}
