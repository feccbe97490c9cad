package dev.macaque.engine;

import dev.macaque.text.Counts;
import dev.macaque.engine.GuardrailDecision.Refused;
import dev.macaque.engine.ProviderCalls.CallContext;
import dev.macaque.engine.ProviderCalls.ProviderError;
import dev.macaque.engine.RunStep.TerminationAbandoned;
import dev.macaque.engine.RunStep.TerminationFailed;
import dev.macaque.engine.RunStep.TerminationIntent;
import dev.macaque.engine.RunStep.TerminationOutcome;
import dev.macaque.engine.RunStep.TerminationRefused;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's terminations, one victim at a time in kill order: the run's guardrails, the victim's group read again, the
 * fleet-wide decision and the intent recorded in one atomic step, then the provider's terminate; refusals and
 * outcomes are kept here. A zone outage's terminations go through {@link ZoneOutageKills}, which keeps its records
 * here too. Hands each group's first returned termination to the {@link RecoveryWatch}.
 */
final class TerminationStep {
    /** How long a termination waits before looking again whether its intent can be recorded. */
    static final Duration RECORDER_HOLD = Duration.ofSeconds(1);
    private final String runId;
    private final ExperimentSpec spec;
    private final TaskScheduler scheduler;
    private final Object lock;
    private final RunRecorder recorder;
    private final RunJournal journal;
    private final ProviderCalls calls;
    private final GuardrailCheck guardrails;
    private final KillHistory killHistory;
    private final CandidateDiscovery discovery;
    private final RecoveryWatch recovery;
    private final RunControl run;
    /** Called under the lock once every victim was handled. */
    private final Runnable allHandled;
    private List<Victim> victims = List.of();
    private final List<TerminationRecord> terminations = new ArrayList<>();
    private final List<Refusal> refusals = new ArrayList<>();
    private final Map<GroupRef, FleetGroup> fleet = new HashMap<>();
    private final Map<GroupRef, Integer> healthyNow = new HashMap<>();
    private int terminationsMade;
    /** The record whose provider call is under way or waiting to be retried (the modes other than zone). */
    private final List<Integer> inCall = new ArrayList<>();
    /** A zone outage's plan (null for the other modes): the groups it spares whole, and its whole-outage budget. */
    private ZoneOutage zoneOutage;
    /** A zone outage's terminations, once it began (null before, and for the other modes). */
    private ZoneOutageKills outage;
    /** Zone outages' extra parallel calls, shared by every run of the runner. */
    private final OutageLanes outageLanes;

    TerminationStep(String runId, ExperimentSpec spec, TaskScheduler scheduler, Object lock, RunRecorder recorder,
                    RunJournal journal, ProviderCalls calls, GuardrailCheck guardrails, KillHistory killHistory,
                    CandidateDiscovery discovery, RecoveryWatch recovery, RunControl run, Runnable allHandled,
                    OutageLanes outageLanes) {
        this.outageLanes = outageLanes;
        this.runId = runId;
        this.spec = spec;
        this.scheduler = scheduler;
        this.lock = lock;
        this.recorder = recorder;
        this.journal = journal;
        this.calls = calls;
        this.guardrails = guardrails;
        this.killHistory = killHistory;
        this.discovery = discovery;
        this.recovery = recovery;
        this.run = run;
        this.allHandled = allHandled;
    }

    /**
     * Called under the lock: the groups the victims are taken from, with their healthy counts as discovered. Only the
     * victims' groups are looked up later: index those, not every candidate of a large fleet.
     */
    void fleet(List<FleetGroup> snapshot, List<Victim> chosen) {
        java.util.Set<GroupRef> victimGroups = new java.util.HashSet<>();
        chosen.forEach(v -> victimGroups.add(v.group()));
        for (FleetGroup group : snapshot) {
            if (victimGroups.contains(group.ref())) {
                fleet.put(group.ref(), group);
                healthyNow.put(group.ref(), group.healthyCount());
            }
        }
    }

    /** Called under the lock: the victims in kill order. */
    void victims(List<Victim> chosen) {
        victims = chosen;
    }

    List<Victim> victims() {
        return victims;
    }

    /** Called under the lock: the zone outage the victims come from, or null. */
    void zoneOutage(ZoneOutage plan) {
        zoneOutage = plan;
    }

    List<TerminationRecord> terminations() {
        return terminations;
    }

    /**
     * The refusals, in kill order. A zone outage decides the groups its plan spares before the others, so its
     * refusals are put back in kill order: the order its preview lists them in.
     */
    List<Refusal> refusals() {
        if (zoneOutage == null) {
            return refusals;
        }
        Map<Victim, Integer> order = new HashMap<>();
        for (int i = 0; i < victims.size(); i++) {
            order.put(victims.get(i), i);
        }
        List<Refusal> inKillOrder = new ArrayList<>(refusals);
        inKillOrder.sort(java.util.Comparator.comparingInt(r -> order.getOrDefault(new Victim(r.group(), r.instanceId()),
                Integer.MAX_VALUE)));
        return inKillOrder;
    }

    /**
     * Called under the lock when the run stops ({@code how}: "halted", "aborted", "failed", ...) during a retry's
     * backoff: those terminations are ABANDONED, saying how the run stopped. Unless {@code journaled} (the recorder
     * failed), in the run's result only.
     */
    void abandonWaiting(String how, boolean journaled) {
        for (int index : inCall) {
            abandon(index, "the run " + how + " while waiting to retry", journaled);
        }
        inCall.clear();
    }

    /**
     * Takes the victims in order from {@code start}: the run's own guardrails first (cheap, no provider call); then
     * the victim's group is read again, and the decision against the whole fleet's record is made in the same atomic
     * step that records the intent ({@link RunRecorder#recordIntent}); only then is the provider asked to terminate.
     */
    void killNext(int start) {
        if (zoneOutage != null) {
            synchronized (lock) {
                outage = new ZoneOutageKills(runId, spec, scheduler, lock, recorder, journal, calls, guardrails, discovery,
                        run, allHandled, this, zoneOutage, victims, outageLanes);
            }
            outage.begin();
            return;
        }
        int index = start;
        Victim victim;
        synchronized (lock) {
            if (run.state() != RunState.RUNNING) {
                return;
            }
            while (true) {
                if (index >= victims.size()) {
                    allHandled.run();
                    return;
                }
                if (!recorder.canRecord()) {
                    // No intent could be committed now: hold this termination and look again, instead of failing the run.
                    int held = index;
                    run.schedule(RECORDER_HOLD, () -> killNext(held));
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
        CloudProvider provider = discovery.provider(chosen.group().provider());
        calls.callProvider("describeGroup", new CallContext(null, null, chosen.group(), null), () -> provider.describeGroup(chosen.group()),
                (fresh, attempts) -> decideAndTerminate(at, chosen, fresh),
                (error, attempts) -> {
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        refuse(chosen, RefusalReason.GROUP_UNREADABLE, "could not read group " + chosen.group()
                                + " right before the kill, after " + Counts.of(attempts, "attempt") + ": " + error);
                        run.continueWith(() -> killNext(at + 1));
                    }
                });
    }

    /** With the group as read just now: decide against the fleet and record the intent atomically, then terminate. */
    private void decideAndTerminate(int index, Victim victim, VmGroup fresh) {
        TerminationRequest request;
        int recordIndex;
        synchronized (lock) {
            if (run.state() != RunState.RUNNING) {
                return;
            }
            request = intend(index, victim, fresh);
            if (request == null) {
                if (run.state() == RunState.RUNNING) {
                    run.continueWith(() -> killNext(index + 1));
                }
                return;
            }
            recordIndex = terminations.size() - 1;
            inCall.add(recordIndex);
        }
        CloudProvider provider = discovery.provider(request.group().provider());
        int next = index + 1;
        calls.callProvider("terminate", new CallContext(null, null, request.group(), request.instanceId()),
                () -> provider.terminate(request),
                (result, attempts) -> onTerminated(recordIndex, result, attempts, next),
                (error, attempts) -> onTerminationFailed(recordIndex, error, attempts, next));
    }

    /**
     * Called under the lock: decides {@code victim}'s termination against the fleet and records its intent in one
     * atomic step; returns the request to send, or null when it was refused (recorded as such) or the run ended
     * because its recorder failed.
     */
    private TerminationRequest intend(int index, Victim victim, VmGroup fresh) {
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
        ExperimentSpec.Guardrails limits = spec.guardrails();
        IntentGuard guard = view -> {
            java.util.Set<String> effective = new java.util.TreeSet<>(healthyIds);
            effective.removeAll(view.inFlight().keySet());
            effective.removeAll(ownKills);
            KillCandidate candidate = new KillCandidate(victim.group(), fresh.tags(), fresh.desiredCapacity(),
                    effective.size());
            GuardrailDecision decision = guardrails.check(candidate, limits, killsSoFar, now, new GuardrailCheck.FleetContext(view,
                    runId, spec.concurrency() == ExperimentSpec.Concurrency.SHARED, victim.instanceId(),
                    effective.contains(victim.instanceId())));
            // A scoped run's group must still carry its scope's tags as read now: it may have been retagged since discovery.
            if (!(decision instanceof Refused) && Eligibility.inScope(fresh.tags(), spec.targets())
                    instanceof Eligibility.Excluded outside) {
                return new Refused(RefusalReason.OUT_OF_SCOPE, "group " + victim.group() + " is " + outside.detail());
            }
            return decision;
        };
        String idempotencyKey = runId + "-" + index;
        try {
            recorder.recordIntent(journal.appendEvent(new TerminationIntent(victim.group(), victim.instanceId(), spec.dryRun(),
                    idempotencyKey, spec.guardrails().minTimeBetweenKills())), guard);
        } catch (TerminationClaimRefused refused) {
            // Not on record: take the event back so the run's events stay gap-free and match the store.
            journal.takeBackLast();
            refuse(victim, refused.reason(), refused.getMessage());
            return null;
        } catch (RuntimeException e) {
            journal.failBecauseTheRecorderFailed(journal.last(), e);
            return null;
        }
        terminationsMade++;
        terminations.add(new TerminationRecord(victim.group(), victim.instanceId(), spec.dryRun(),
                TerminationStatus.IN_PROGRESS, 0, scheduler.now(), null, "", null, null));
        return new TerminationRequest(victim.group(), victim.instanceId(), spec.dryRun(),
                "macaque run " + runId + " (" + spec.name() + ")", idempotencyKey);
    }

    /** Called under the lock when the run stops ({@code how}: halted, aborted, failed); see {@link ZoneOutageKills#settle}. */
    void settleOutage(String how, boolean journaled) {
        if (outage != null) {
            outage.settle(how, journaled);
        }
    }

    /**
     * Called under the lock: victims not (yet) terminated nor refused, as a stop now would leave them: no record, or a
     * recorded intent whose call has not begun or waits to retry ({@code callWaitsToRetry}: the run's pending task
     * is the retry's backoff), which the stop abandons.
     */
    int notStarted(boolean callWaitsToRetry) {
        return victims.size() - terminations.size() - refusals.size() + (callWaitsToRetry ? inCall.size() : 0)
                + (outage == null ? 0 : outage.waiting());
    }

    /** Called under the lock: terminations (or would-be ones) this run made so far. */
    int terminationsMade() {
        return terminationsMade;
    }

    /** Called under the lock: {@code group} as a kill candidate, with its healthy count as this run knows it. */
    KillCandidate candidate(GroupRef group) {
        FleetGroup known = fleet.get(group);
        return new KillCandidate(group, known.tags(), known.desiredCapacity(), healthyNow.get(group));
    }

    /** Called under the lock: {@code victim}'s intent is on record; its termination is under way. Returns its record. */
    int intended(Victim victim) {
        terminationsMade++;
        terminations.add(new TerminationRecord(victim.group(), victim.instanceId(), spec.dryRun(),
                TerminationStatus.IN_PROGRESS, 0, scheduler.now(), null, "", null, null));
        return terminations.size() - 1;
    }

    /**
     * Called under the lock: a recorded intent never carried out ends ABANDONED with {@code reason}; {@code journaled}
     * unless the recorder failed (then in the run's result only).
     */
    void abandon(int record, String reason, boolean journaled) {
        TerminationRecord intent = terminations.get(record);
        terminations.set(record, finish(intent, TerminationStatus.ABANDONED, intent.attempts(), "abandoned: " + reason, null, null));
        if (journaled) {
            journal.record(new TerminationAbandoned(intent.group(), intent.instanceId(), reason));
        }
    }

    /** Called under the lock. */
    void refuse(Victim victim, RefusalReason reason, String message) {
        refusals.add(new Refusal(victim.group(), victim.instanceId(), reason, message, scheduler.now()));
        journal.record(new TerminationRefused(victim.group(), victim.instanceId(), reason, message));
    }

    private void onTerminated(int recordIndex, TerminationResult result, int attempts, int next) {
        synchronized (lock) {
            recordResult(recordIndex, result, attempts);
            continueAfterTermination(next);
        }
    }

    private void onTerminationFailed(int recordIndex, ProviderError error, int attempts, int next) {
        synchronized (lock) {
            recordFailure(recordIndex, error, attempts);
            continueAfterTermination(next);
        }
    }

    /** Called under the lock: a batch call's outcomes, matched to their records by instance; a member the provider left out failed. */
    void recordTogether(List<Integer> records, List<TerminationRequest> requests,
                                List<dev.macaque.spi.MemberTermination> outcomes, int attempts) {
        Map<String, dev.macaque.spi.MemberTermination> byInstance = new HashMap<>();
        outcomes.forEach(o -> byInstance.put(o.request().instanceId(), o));
        for (int k = 0; k < records.size(); k++) {
            dev.macaque.spi.MemberTermination outcome = byInstance.get(requests.get(k).instanceId());
            if (outcome == null) {
                recordFailure(records.get(k), new ProviderError("UNEXPECTED", "the provider's batch call returned no "
                        + "outcome for this member", false, null), attempts);
            } else if (outcome.result() != null) {
                recordResult(records.get(k), outcome.result(), attempts);
            } else {
                dev.macaque.spi.ProviderException e = outcome.error();
                recordFailure(records.get(k), new ProviderError(e.kind().name(), String.valueOf(e.getMessage()),
                        e.retryable(), e.retryAfter().orElse(null)), attempts);
            }
        }
    }

    /** Called under the lock. */
    private void recordResult(int recordIndex, TerminationResult result, int attempts) {
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
            journal.record(new TerminationFailed(intent.group(), intent.instanceId(), attempts, "UNEXPECTED",
                    "provider answered a real termination with a dry-run outcome"));
            return;
        }
        terminations.set(recordIndex, finish(intent, status, attempts, result.detail(), null, null));
        journal.record(new TerminationOutcome(intent.group(), intent.instanceId(), status, attempts, result.detail()));
        Instant now = scheduler.now();
        healthyNow.merge(intent.group(), -1, Integer::sum);
        if (status.killed()) {
            killHistory.recordKill(intent.group(), now);
        }
        recovery.firstTerminationReturned(intent.group(), fleet.get(intent.group()), status.killed(),
                status.killed() && run.state() == RunState.RUNNING, now);
    }

    /** Called under the lock. */
    void recordFailure(int recordIndex, ProviderError error, int attempts) {
        TerminationRecord intent = terminations.get(recordIndex);
        terminations.set(recordIndex, finish(intent, TerminationStatus.FAILED, attempts, "", error.kind(), error.message()));
        journal.record(new TerminationFailed(intent.group(), intent.instanceId(), attempts, error.kind(), error.message()));
    }

    private void continueAfterTermination(int next) {
        inCall.clear();
        // pacing.between: one kill at a time with a pause, so that the probes can stop the run before its next kill.
        Duration pause = next < victims.size() ? spec.pacing() : Duration.ZERO;
        if (run.state() == RunState.RUNNING) {
            run.schedule(pause, () -> killNext(next));
        }
    }

    private TerminationRecord finish(TerminationRecord intent, TerminationStatus status, int attempts, String detail,
                                     String errorKind, String errorMessage) {
        return new TerminationRecord(intent.group(), intent.instanceId(), intent.dryRun(), status, attempts,
                intent.intentAt(), scheduler.now(), detail, errorKind, errorMessage);
    }
}
