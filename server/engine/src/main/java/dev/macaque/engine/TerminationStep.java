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
 * outcomes are kept here. Hands each group's first returned termination to the {@link RecoveryWatch}.
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
    /** A zone outage's groups whose intents are on record, in kill order (empty until they are). */
    private List<OutageGroup> outage = List.of();
    /** A zone outage's group calls under way (without pacing, at most {@link #PARALLEL_GROUPS}). */
    private int outageCalls;
    /** Schedules a zone outage's group calls and their retries beside the run's pending task. */
    private final RunControl lanes;

    TerminationStep(String runId, ExperimentSpec spec, TaskScheduler scheduler, Object lock, RunRecorder recorder,
                    RunJournal journal, ProviderCalls calls, GuardrailCheck guardrails, KillHistory killHistory,
                    CandidateDiscovery discovery, RecoveryWatch recovery, RunControl run, Runnable allHandled) {
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
        this.lanes = new RunControl() {
            @Override
            public RunState state() {
                return run.state();
            }

            @Override
            public void schedule(Duration delay, Runnable task) {
                run.scheduleAlongside(delay, task);
            }

            @Override
            public void scheduleAlongside(Duration delay, Runnable task) {
                run.scheduleAlongside(delay, task);
            }

            @Override
            public void continueWith(Runnable step) {
                run.continueWith(step);
            }

            @Override
            public void fail(String reason) {
                run.fail(reason);
            }
        };
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

    /** Called under the lock when the run stops during a retry's backoff: those terminations are ABANDONED. */
    void abandonWaiting() {
        for (int index : inCall) {
            TerminationRecord waiting = terminations.get(index);
            terminations.set(index, finish(waiting, TerminationStatus.ABANDONED, waiting.attempts(),
                    "abandoned: the run was aborted while waiting to retry", null, null));
            journal.record(new TerminationAbandoned(waiting.group(), waiting.instanceId(), "the run was aborted while waiting to retry"));
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
            beginOutage();
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

    // ---------------------------------------------------------------------------------------------------------------
    // Zone outages: every group read fresh, every intent recorded in one atomic step, then the groups' batch calls

    /**
     * Without pacing, at most this many of an outage's groups have their batch call under way at once (the others
     * wait their turn); the provider's call budget bounds the rate beyond that. Small, because a call holds one of
     * the engine's threads, which every run shares.
     */
    static final int PARALLEL_GROUPS = 3;

    /** Where one group of an outage stands once its intents are on record. */
    private enum Stage { WAITING, CALLING, DONE }

    /** One group's part of a zone outage run: its victims {@code [start, end)}, read fresh, then its records. */
    private static final class OutageGroup {
        final GroupRef group;
        final int start;
        final int end;
        VmGroup fresh;
        /** Victim indices still to decide (those gone from the fresh read are refused apart). */
        final List<Integer> members = new ArrayList<>();
        final List<Integer> records = new ArrayList<>();
        final List<TerminationRequest> requests = new ArrayList<>();
        Stage stage = Stage.WAITING;
        boolean launched;
        ProviderCalls lane;

        OutageGroup(GroupRef group, int start, int end) {
            this.group = group;
            this.start = start;
            this.end = end;
        }
    }

    /**
     * A zone outage: the groups the plan spares are refused whole; every other group is read fresh from its cloud
     * ({@link #readOutage}); then all their intents are decided and recorded in one atomic step ({@link #decideOutage}),
     * so once the outage is admitted its whole budget is held; only then do the batch calls go out.
     */
    private void beginOutage() {
        List<OutageGroup> toRead = new ArrayList<>();
        synchronized (lock) {
            if (run.state() != RunState.RUNNING) {
                return;
            }
            if (victims.isEmpty()) {
                allHandled.run();
                return;
            }
            if (!recorder.canRecord()) {
                run.schedule(RECORDER_HOLD, this::beginOutage);
                return;
            }
            for (int start = 0; start < victims.size(); ) {
                GroupRef ref = victims.get(start).group();
                int end = start + 1;
                while (end < victims.size() && victims.get(end).group().equals(ref)) {
                    end++;
                }
                OutageGroup g = new OutageGroup(ref, start, end);
                Refused spared = zoneOutage.refusalOf(ref);
                if (spared == null) {
                    // the run's own guardrails (kill switch, stop conditions, opt-in, maxTerminations, time since the
                    // group's last kill), cheap and before any read
                    FleetGroup group = fleet.get(ref);
                    KillCandidate candidate = new KillCandidate(ref, group.tags(), group.desiredCapacity(), healthyNow.get(ref));
                    if (guardrails.check(candidate, spec.guardrails(), terminationsMade, scheduler.now()) instanceof Refused own) {
                        spared = own;
                    }
                }
                if (spared != null) {
                    refuseMembers(g, start, end, spared);
                } else {
                    toRead.add(g);
                }
                start = end;
            }
        }
        readOutage(toRead, 0);
    }

    /** Reads group {@code k} of {@code groups} fresh (a cache never decides a kill), then the next; then decides. */
    private void readOutage(List<OutageGroup> groups, int k) {
        if (k == groups.size()) {
            decideOutage(groups);
            return;
        }
        OutageGroup g = groups.get(k);
        CloudProvider provider = discovery.provider(g.group.provider());
        calls.callProvider("describeGroup", new CallContext(null, null, g.group, null), () -> provider.describeGroup(g.group),
                (fresh, attempts) -> {
                    synchronized (lock) {
                        if (run.state() == RunState.RUNNING) {
                            g.fresh = fresh;
                            run.continueWith(() -> readOutage(groups, k + 1));
                        }
                    }
                },
                (error, attempts) -> {
                    synchronized (lock) {
                        if (run.state() == RunState.RUNNING) {
                            refuseMembers(g, g.start, g.end, new Refused(RefusalReason.GROUP_UNREADABLE, "could not read group "
                                    + g.group + " right before the outage, after " + Counts.of(attempts, "attempt") + ": " + error));
                            run.continueWith(() -> readOutage(groups, k + 1));
                        }
                    }
                });
    }

    /**
     * With every group as read just now: a member no longer healthy is refused alone ({@code VICTIM_GONE}); a group
     * whose outage now breaks its floor or minimum is refused whole; then every remaining intent is decided against
     * the fleet and recorded in ONE atomic step ({@link RunRecorder#recordIntents}), the first one judging the fleet
     * budgets for all of them. A group refused in that step is refused whole and the step is tried again without it;
     * a fleet-wide refusal refuses the whole outage. Nothing is called before the step succeeds.
     */
    private void decideOutage(List<OutageGroup> read) {
        synchronized (lock) {
            if (run.state() != RunState.RUNNING) {
                return;
            }
            if (!recorder.canRecord()) {
                // No step could commit now: hold, and read the groups again when it can (a read goes stale meanwhile).
                List<OutageGroup> readable = read.stream().filter(g -> g.fresh != null).toList();
                readable.forEach(g -> g.fresh = null);
                run.schedule(RECORDER_HOLD, () -> readOutage(readable, 0));
                return;
            }
            List<OutageGroup> batch = new ArrayList<>();
            for (OutageGroup g : read) {
                if (g.fresh == null) {
                    continue; // refused GROUP_UNREADABLE
                }
                java.util.Set<String> healthy = healthyIds(g.fresh);
                List<String> present = new ArrayList<>();
                for (int i = g.start; i < g.end; i++) {
                    Victim victim = victims.get(i);
                    if (healthy.contains(victim.instanceId())) {
                        g.members.add(i);
                        present.add(victim.instanceId());
                    } else {
                        refuse(victim, RefusalReason.VICTIM_GONE, "instance " + victim.instanceId() + " is no longer a healthy "
                                + "in-service member of group " + g.group + " (read right before the outage)");
                    }
                }
                if (g.members.isEmpty()) {
                    continue;
                }
                Refused broken = zoneOutage.judgeFresh(g.group, g.fresh.desiredCapacity(), healthy.size(), present, spec.guardrails());
                if (broken != null) {
                    g.members.forEach(i -> refuse(victims.get(i), broken.reason(), broken.message()));
                    continue;
                }
                batch.add(g);
            }
            while (!batch.isEmpty() && !admit(batch)) {
                // admit refused a group (taken out of the batch) or the whole outage (the batch emptied)
            }
            outage = batch;
            if (batch.isEmpty()) {
                allHandled.run();
            } else if (spec.pacing().isZero()) {
                launchOutageCalls();
            } else {
                // pacing spaces the groups: one batch call at a time; the first group was read a moment ago
                OutageGroup first = batch.get(0);
                first.launched = true;
                run.continueWith(() -> callOutageGroup(first));
            }
        }
    }

    /**
     * Called under the lock: tries to record every intent of {@code batch} in one atomic step. True when they are on
     * record; false when a refusal removed a group from the batch (or emptied it), every refused member reported.
     */
    private boolean admit(List<OutageGroup> batch) {
        int kills = batch.stream().mapToInt(g -> g.members.size()).sum();
        java.util.Set<GroupRef> groups = new java.util.LinkedHashSet<>();
        batch.forEach(g -> groups.add(g.group));
        int[] refusedGroup = {-1};
        boolean[] refusedWhole = {false};
        List<RunRecorder.GuardedIntent> intents = new ArrayList<>();
        for (int gi = 0; gi < batch.size(); gi++) {
            OutageGroup g = batch.get(gi);
            java.util.Set<String> earlier = new java.util.TreeSet<>();
            for (int i : g.members) {
                Victim victim = victims.get(i);
                // minTimeBetweenKills spaces a group's outages, not the members one outage takes together: only the
                // group's first intent claims it
                Duration minTime = earlier.isEmpty() ? spec.guardrails().minTimeBetweenKills() : Duration.ZERO;
                RunEvent event = journal.appendEvent(new TerminationIntent(victim.group(), victim.instanceId(), spec.dryRun(),
                        runId + "-" + i, minTime));
                boolean judgesWhole = intents.isEmpty();
                IntentGuard member = outageGuard(g, victim, java.util.Set.copyOf(earlier), minTime, terminationsMade + intents.size());
                int groupIndex = gi;
                intents.add(new RunRecorder.GuardedIntent(event, view -> {
                    // the outage's first intent judges the fleet budgets for every intent of the step
                    if (judgesWhole && zoneOutage.fleetBudgets(view, kills, groups) instanceof Refused whole) {
                        refusedWhole[0] = true;
                        return whole;
                    }
                    GuardrailDecision decision = member.decide(view);
                    if (decision instanceof Refused) {
                        refusedGroup[0] = groupIndex;
                    }
                    return decision;
                }));
                earlier.add(victim.instanceId());
            }
        }
        try {
            recorder.recordIntents(intents);
        } catch (TerminationClaimRefused refused) {
            // Nothing of the step is on record: take its events back so the run's events stay gap-free.
            intents.forEach(i -> journal.takeBackLast());
            Refused why = new Refused(refused.reason(), refused.getMessage());
            if (refusedWhole[0] || refusedGroup[0] < 0 || FLEET_WIDE.contains(refused.reason())) {
                batch.forEach(g -> g.members.forEach(i -> refuse(victims.get(i), why.reason(), why.message())));
                batch.clear();
            } else {
                OutageGroup g = batch.remove(refusedGroup[0]);
                g.members.forEach(i -> refuse(victims.get(i), why.reason(), why.message()));
            }
            return false;
        } catch (RuntimeException e) {
            // the run ends FAILED: the intents were not kept, only the first stays in the run's list to name the event
            for (int i = 1; i < intents.size(); i++) {
                journal.takeBackLast();
            }
            journal.failBecauseTheRecorderFailed(journal.last(), e);
            return false;
        }
        int k = 0;
        for (OutageGroup g : batch) {
            for (int i : g.members) {
                Victim victim = victims.get(i);
                terminationsMade++;
                terminations.add(new TerminationRecord(victim.group(), victim.instanceId(), spec.dryRun(),
                        TerminationStatus.IN_PROGRESS, 0, scheduler.now(), null, "", null, null));
                g.records.add(terminations.size() - 1);
                g.requests.add(new TerminationRequest(victim.group(), victim.instanceId(), spec.dryRun(),
                        "macaque run " + runId + " (" + spec.name() + ")", ((TerminationIntent) intents.get(k++).intent().step()).idempotencyKey()));
            }
        }
        return true;
    }

    /** Refusals that hold for every group of an outage alike: the whole outage is refused with them. */
    private static final java.util.Set<RefusalReason> FLEET_WIDE = java.util.EnumSet.of(RefusalReason.KILL_SWITCH,
            RefusalReason.STOP_CONDITION_FAILING, RefusalReason.FLEET_BUDGET, RefusalReason.MAX_TERMINATIONS);

    /**
     * One outage member's decision in the atomic step, on its group as read just now: the group's healthy members
     * less every run's kills in flight (the step's earlier intents among them) and the outage's earlier members of
     * the group, then the same checks as any intent (busy group, budgets, floor, minimum, scope).
     */
    private IntentGuard outageGuard(OutageGroup g, Victim victim, java.util.Set<String> earlier, Duration minTime, int killsSoFar) {
        java.util.Set<String> healthy = healthyIds(g.fresh);
        VmGroup fresh = g.fresh;
        Instant now = scheduler.now();
        ExperimentSpec.Guardrails limits = new ExperimentSpec.Guardrails(spec.guardrails().minHealthyPercent(),
                spec.guardrails().minHealthyInstances(), spec.guardrails().maxTerminations(), minTime);
        return view -> {
            java.util.Set<String> effective = new java.util.TreeSet<>(healthy);
            effective.removeAll(view.inFlight().keySet());
            effective.removeAll(earlier);
            KillCandidate candidate = new KillCandidate(victim.group(), fresh.tags(), fresh.desiredCapacity(), effective.size());
            GuardrailDecision decision = guardrails.check(candidate, limits, killsSoFar, now, new GuardrailCheck.FleetContext(view,
                    runId, spec.concurrency() == ExperimentSpec.Concurrency.SHARED, victim.instanceId(),
                    effective.contains(victim.instanceId())));
            if (!(decision instanceof Refused) && Eligibility.inScope(fresh.tags(), spec.targets())
                    instanceof Eligibility.Excluded outside) {
                return new Refused(RefusalReason.OUT_OF_SCOPE, "group " + victim.group() + " is " + outside.detail());
            }
            return decision;
        };
    }

    /** Called under the lock: without pacing, starts waiting groups' calls side by side, up to {@link #PARALLEL_GROUPS}. */
    private void launchOutageCalls() {
        for (OutageGroup g : outage) {
            if (outageCalls >= PARALLEL_GROUPS) {
                return;
            }
            if (g.stage == Stage.WAITING && !g.launched) {
                g.launched = true;
                outageCalls++;
                run.scheduleAlongside(Duration.ZERO, () -> callOutageGroup(g));
            }
        }
    }

    /** One batch call for the group's members, whose intents are on record; its outcomes are recorded per member. */
    private void callOutageGroup(OutageGroup g) {
        synchronized (lock) {
            if (run.state() != RunState.RUNNING || g.stage != Stage.WAITING) {
                return; // the run stopped first: its intents were settled then
            }
            g.stage = Stage.CALLING;
            g.lane = calls.lane(lanes);
        }
        CloudProvider provider = discovery.provider(g.group.provider());
        g.lane.callProvider("terminateMembers", new CallContext(null, null, g.group, null),
                () -> provider.terminateMembers(g.group, g.requests),
                (outcomes, attempts) -> {
                    synchronized (lock) {
                        recordTogether(g.records, g.requests, outcomes, attempts);
                        groupDone(g, true);
                    }
                },
                (error, attempts) -> {
                    synchronized (lock) {
                        g.records.forEach(record -> recordFailure(record, error, attempts));
                        groupDone(g, true);
                    }
                });
    }

    /** Called under the lock: the group is handled; the next goes (paced: after the pause, read again first). */
    private void groupDone(OutageGroup g, boolean called) {
        g.stage = Stage.DONE;
        if (called && spec.pacing().isZero()) {
            outageCalls--;
        }
        if (run.state() != RunState.RUNNING) {
            return; // a call under way when the run stopped: its outcomes are on record, nothing more starts
        }
        OutageGroup next = outage.stream().filter(o -> o.stage == Stage.WAITING && !o.launched).findFirst().orElse(null);
        if (outage.stream().allMatch(o -> o.stage == Stage.DONE)) {
            allHandled.run();
        } else if (next == null) {
            return; // the last groups' calls are still under way
        } else if (spec.pacing().isZero()) {
            launchOutageCalls();
        } else {
            next.launched = true;
            run.schedule(spec.pacing(), () -> readBeforeTurn(next));
        }
    }

    /**
     * Paced: the group's turn comes a pause after the previous group's; it is read again right before its call, and
     * when its state changed so that the outage now breaks a guardrail its recorded intents are abandoned, never
     * executed. The fleet record holds its intents in flight meanwhile, so other runs decided around them.
     */
    private void readBeforeTurn(OutageGroup g) {
        synchronized (lock) {
            if (run.state() != RunState.RUNNING) {
                return;
            }
        }
        CloudProvider provider = discovery.provider(g.group.provider());
        calls.callProvider("describeGroup", new CallContext(null, null, g.group, null), () -> provider.describeGroup(g.group),
                (fresh, attempts) -> {
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        Refused broken = judgeBeforeTurn(g, fresh);
                        if (broken == null) {
                            run.continueWith(() -> callOutageGroup(g));
                            return;
                        }
                        abandonGroup(g, "group " + g.group + " failed its guardrails when its turn came: "
                                + broken.reason() + " (" + broken.message() + ")");
                        groupDone(g, false);
                    }
                },
                (error, attempts) -> {
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        abandonGroup(g, "could not read group " + g.group + " right before its turn, after "
                                + Counts.of(attempts, "attempt") + ": " + error);
                        groupDone(g, false);
                    }
                });
    }

    /** Called under the lock: the group's guardrails on its state now (its own intents are on record, still to run). */
    private Refused judgeBeforeTurn(OutageGroup g, VmGroup fresh) {
        java.util.Set<String> healthy = healthyIds(fresh);
        List<String> present = g.requests.stream().map(TerminationRequest::instanceId).filter(healthy::contains).toList();
        // the run's own checks: kill switch, stop conditions, opt-in as tagged now (the time since the last kill was
        // claimed with the intents, the count is on record). The floor and minimum are the outage's, judged below for
        // all its members at once, so this one-kill check is given limits and a count they always pass.
        ExperimentSpec.Guardrails ownOnly = new ExperimentSpec.Guardrails(0, 0, Integer.MAX_VALUE, Duration.ZERO);
        KillCandidate candidate = new KillCandidate(g.group, fresh.tags(), fresh.desiredCapacity(), Math.max(2, healthy.size()));
        if (guardrails.check(candidate, ownOnly, 0, scheduler.now()) instanceof Refused own) {
            return own;
        }
        if (Eligibility.inScope(fresh.tags(), spec.targets()) instanceof Eligibility.Excluded outside) {
            return new Refused(RefusalReason.OUT_OF_SCOPE, "group " + g.group + " is " + outside.detail());
        }
        return zoneOutage.judgeFresh(g.group, fresh.desiredCapacity(), healthy.size(), present, spec.guardrails());
    }

    /** Called under the lock: the group's recorded intents end ABANDONED with {@code reason}; the ledger settles them. */
    private void abandonGroup(OutageGroup g, String reason) {
        for (int record : g.records) {
            TerminationRecord intent = terminations.get(record);
            terminations.set(record, finish(intent, TerminationStatus.ABANDONED, intent.attempts(), "abandoned: " + reason, null, null));
            journal.record(new TerminationAbandoned(intent.group(), intent.instanceId(), reason));
        }
        g.stage = Stage.DONE;
    }

    /**
     * Called under the lock when the run stops ({@code how}: halted, aborted, failed): an outage's groups whose turn
     * had not come have their recorded intents abandoned, never executed; a group waiting to retry its call too. A
     * call under way still has its outcomes recorded when it returns.
     */
    void settleOutage(String how) {
        for (OutageGroup g : outage) {
            if (g.stage == Stage.WAITING) {
                abandonGroup(g, "the run " + how + " before group " + g.group + "'s turn: its intent was recorded, the "
                        + "provider never called");
            } else if (g.stage == Stage.CALLING && g.lane.awaitingRetry()) {
                g.lane.retryCancelled();
                abandonGroup(g, "the run was " + how + " while waiting to retry");
            }
        }
    }

    /** Called under the lock: victims not (yet) terminated nor refused: no record, or an outage intent not yet called. */
    int notStarted() {
        int waiting = outage.stream().filter(g -> g.stage == Stage.WAITING).mapToInt(g -> g.records.size()).sum();
        return victims.size() - terminations.size() - refusals.size() + waiting;
    }

    private static java.util.Set<String> healthyIds(VmGroup group) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        group.healthyInService().forEach(instance -> ids.add(instance.id()));
        return ids;
    }

    /** Called under the lock: every member of the group's victims {@code [start, end)} refused with {@code why}. */
    private void refuseMembers(OutageGroup g, int start, int end, Refused why) {
        for (int i = start; i < end; i++) {
            refuse(victims.get(i), why.reason(), why.message());
        }
    }

    /** Called under the lock. */
    private void refuse(Victim victim, RefusalReason reason, String message) {
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
    private void recordTogether(List<Integer> records, List<TerminationRequest> requests,
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
    private void recordFailure(int recordIndex, ProviderError error, int attempts) {
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
