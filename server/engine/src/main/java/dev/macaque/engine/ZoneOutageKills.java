package dev.macaque.engine;

import dev.macaque.engine.GuardrailDecision.Refused;
import dev.macaque.engine.ProviderCalls.CallContext;
import dev.macaque.engine.RunStep.TerminationIntent;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.VmGroup;
import dev.macaque.text.Counts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A zone outage's terminations ({@code selection: {mode: zone}}), for its {@link TerminationStep}, which keeps the
 * records: the groups the plan spares are refused whole; every other group is read fresh from its cloud; all their
 * intents are decided and recorded in ONE atomic fleet step ({@link RunRecorder#recordIntents}), so once admitted the
 * outage's budget is held; then one batch call per group, side by side (at most {@link #PARALLEL_GROUPS}, every lane
 * beyond the run's first one taken from the runner's shared {@link OutageLanes}) or, with pacing, one group after
 * another, each read again before its turn. A run that stops abandons the recorded intents
 * whose group's call has not begun. Every method that says so is called under the run's lock.
 */
final class ZoneOutageKills {
    private final String runId;
    private final ExperimentSpec spec;
    private final TaskScheduler scheduler;
    private final Object lock;
    private final RunRecorder recorder;
    private final RunJournal journal;
    private final ProviderCalls calls;
    private final GuardrailCheck guardrails;
    private final CandidateDiscovery discovery;
    private final RunControl run;
    /** Called under the lock once every victim was handled. */
    private final Runnable allHandled;
    private final TerminationStep kills;
    private final ZoneOutage plan;
    private final List<Victim> victims;
    /** The groups whose intents are on record, in kill order (empty until they are). */
    private List<OutageGroup> outage = List.of();
    /** Group calls under way or launched (without pacing, at most {@link #PARALLEL_GROUPS}): this run's lanes. */
    private int outageCalls;
    /** The lanes beyond a run's first, shared by every run of the runner. */
    private final OutageLanes shared;
    /** Schedules the group calls and their retries beside the run's pending task. */
    private final RunControl lanes;

    ZoneOutageKills(String runId, ExperimentSpec spec, TaskScheduler scheduler, Object lock, RunRecorder recorder,
                    RunJournal journal, ProviderCalls calls, GuardrailCheck guardrails, CandidateDiscovery discovery,
                    RunControl run, Runnable allHandled, TerminationStep kills, ZoneOutage plan, List<Victim> victims,
                    OutageLanes shared) {
        this.shared = shared;
        this.runId = runId;
        this.spec = spec;
        this.scheduler = scheduler;
        this.lock = lock;
        this.recorder = recorder;
        this.journal = journal;
        this.calls = calls;
        this.guardrails = guardrails;
        this.discovery = discovery;
        this.run = run;
        this.allHandled = allHandled;
        this.kills = kills;
        this.plan = plan;
        this.victims = victims;
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
     * Without pacing, at most this many of an outage's groups have their batch call under way at once (the others
     * wait their turn); the provider's call budget bounds the rate beyond that. Small, because a call holds one of
     * the engine's threads, which every run shares: every lane beyond the first also needs one of the runner's
     * {@link OutageLanes} (1 with the server's 4 threads), so the bound is reached only with a larger pool.
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
        /** The group's call holds one of the run's lanes (from its launch until it is done or abandoned). */
        boolean holdsLane;
        /** That lane is one of the runner's shared extra lanes, to give back. */
        boolean extraLane;
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
    void begin() {
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
                run.schedule(TerminationStep.RECORDER_HOLD, this::begin);
                return;
            }
            for (int start = 0; start < victims.size(); ) {
                GroupRef ref = victims.get(start).group();
                int end = start + 1;
                while (end < victims.size() && victims.get(end).group().equals(ref)) {
                    end++;
                }
                OutageGroup g = new OutageGroup(ref, start, end);
                Refused spared = plan.refusalOf(ref);
                if (spared == null) {
                    // the run's own guardrails (kill switch, stop conditions, opt-in, maxTerminations, time since the
                    // group's last kill), cheap and before any read
                    if (guardrails.check(kills.candidate(ref), spec.guardrails(), kills.terminationsMade(), scheduler.now())
                            instanceof Refused own) {
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
                // No step could commit now: hold, and read the groups again once it can (a read goes stale meanwhile).
                List<OutageGroup> readable = read.stream().filter(g -> g.fresh != null).toList();
                readable.forEach(g -> g.fresh = null);
                run.schedule(TerminationStep.RECORDER_HOLD, () -> holdThenRead(readable));
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
                        kills.refuse(victim, RefusalReason.VICTIM_GONE, "instance " + victim.instanceId() + " is no longer a healthy "
                                + "in-service member of group " + g.group + " (read right before the outage)");
                    }
                }
                if (g.members.isEmpty()) {
                    continue;
                }
                Refused broken = plan.judgeFresh(g.group, g.fresh.desiredCapacity(), healthy.size(), present, spec.guardrails());
                if (broken != null) {
                    g.members.forEach(i -> kills.refuse(victims.get(i), broken.reason(), broken.message()));
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
     * While the recorder cannot record, only that is looked at again every {@link TerminationStep#RECORDER_HOLD}: the
     * groups are read once it can (no cloud call, nor call budget, spent on reads that would go stale), right before
     * the atomic step.
     */
    private void holdThenRead(List<OutageGroup> groups) {
        synchronized (lock) {
            if (run.state() != RunState.RUNNING) {
                return;
            }
            if (!recorder.canRecord()) {
                run.schedule(TerminationStep.RECORDER_HOLD, () -> holdThenRead(groups));
                return;
            }
        }
        readOutage(groups, 0);
    }

    /**
     * Called under the lock: tries to record every intent of {@code batch} in one atomic step. True when they are on
     * record; false when a refusal removed a group from the batch (or emptied it), every refused member reported.
     */
    private boolean admit(List<OutageGroup> batch) {
        int needed = batch.stream().mapToInt(g -> g.members.size()).sum();
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
                IntentGuard member = outageGuard(g, victim, java.util.Set.copyOf(earlier), minTime, kills.terminationsMade() + intents.size());
                int groupIndex = gi;
                intents.add(new RunRecorder.GuardedIntent(event, view -> {
                    // the outage's first intent judges the fleet budgets for every intent of the step
                    if (judgesWhole && plan.fleetBudgets(view, needed, groups) instanceof Refused whole) {
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
                batch.forEach(g -> g.members.forEach(i -> kills.refuse(victims.get(i), why.reason(), why.message())));
                batch.clear();
            } else {
                OutageGroup g = batch.remove(refusedGroup[0]);
                g.members.forEach(i -> kills.refuse(victims.get(i), why.reason(), why.message()));
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
                g.records.add(kills.intended(victim));
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

    /**
     * Called under the lock: without pacing, starts waiting groups' calls side by side, up to {@link #PARALLEL_GROUPS}:
     * the run's first lane always goes, each further one only with a free shared lane (never waited for); a group
     * left queued starts when one of this run's lanes is done.
     */
    private void launchOutageCalls() {
        for (OutageGroup g : outage) {
            if (outageCalls >= PARALLEL_GROUPS) {
                return;
            }
            if (g.stage == Stage.WAITING && !g.launched) {
                if (outageCalls > 0) {
                    if (!shared.tryTake()) {
                        return;
                    }
                    g.extraLane = true;
                }
                g.launched = true;
                g.holdsLane = true;
                outageCalls++;
                run.scheduleAlongside(Duration.ZERO, () -> callOutageGroup(g));
            }
        }
    }

    /**
     * Called under the lock: the group's call no longer holds a lane. When the run's own lane is freed while another
     * group holds a shared one, that group takes the run's own lane and the shared one is given back at once.
     */
    private void freeLane(OutageGroup g) {
        if (!g.holdsLane) {
            return;
        }
        g.holdsLane = false;
        outageCalls--;
        OutageGroup giver = g;
        if (!g.extraLane) {
            giver = outage.stream().filter(o -> o.holdsLane && o.extraLane).findFirst().orElse(null);
        }
        if (giver != null) {
            giver.extraLane = false;
            shared.giveBack();
        }
    }

    /**
     * One batch call for the group's members, whose intents are on record; its outcomes are recorded per member. A
     * member whose termination failed retryably (throttled, or the cloud took the request and its end is unknown) is
     * asked again with the same idempotency key, under the run's retry policy, as a single termination is; the members
     * the call settled stay settled. Only when the policy's attempts are spent is a member recorded failed.
     */
    private void callOutageGroup(OutageGroup g) {
        synchronized (lock) {
            if (run.state() != RunState.RUNNING || g.stage != Stage.WAITING) {
                return; // the run stopped first: its intents were settled then
            }
            g.stage = Stage.CALLING;
            g.lane = calls.lane(lanes);
        }
        CloudProvider provider = discovery.provider(g.group.provider());
        // Touched only by the call (one attempt at a time, each a task scheduled after the last) and its callbacks.
        Map<String, dev.macaque.spi.MemberTermination> settled = new HashMap<>();
        java.util.concurrent.atomic.AtomicReference<List<TerminationRequest>> open = new java.util.concurrent.atomic.AtomicReference<>(g.requests);
        g.lane.callProvider("terminateMembers", new CallContext(null, null, g.group, null),
                () -> askOpenMembers(provider, g.group, open, settled),
                (outcomes, attempts) -> {
                    synchronized (lock) {
                        try {
                            kills.recordTogether(g.records, g.requests, outcomes, attempts);
                        } finally {
                            groupDone(g); // also when the recorder failed: the lane is given back
                        }
                    }
                },
                (error, attempts) -> {
                    synchronized (lock) {
                        try {
                            java.util.Set<String> failed = new java.util.HashSet<>();
                            open.get().forEach(request -> failed.add(request.instanceId()));
                            for (int k = 0; k < g.records.size(); k++) {
                                TerminationRequest request = g.requests.get(k);
                                if (failed.contains(request.instanceId())) {
                                    kills.recordFailure(g.records.get(k), error, attempts);
                                } else {
                                    kills.recordTogether(List.of(g.records.get(k)), List.of(request),
                                            List.of(settled.get(request.instanceId())), attempts);
                                }
                            }
                        } finally {
                            groupDone(g);
                        }
                    }
                });
    }

    /**
     * One attempt of a group's batch: the members still open are asked; the settled ones are kept; if any failed
     * retryably, the attempt fails retryably for them (so that the lane retries them after its backoff).
     */
    private static List<dev.macaque.spi.MemberTermination> askOpenMembers(CloudProvider provider, GroupRef group,
            java.util.concurrent.atomic.AtomicReference<List<TerminationRequest>> open,
            Map<String, dev.macaque.spi.MemberTermination> settled) {
        List<dev.macaque.spi.MemberTermination> outcomes = provider.terminateMembers(group, open.get());
        List<TerminationRequest> again = new ArrayList<>();
        dev.macaque.spi.ProviderException why = null;
        for (dev.macaque.spi.MemberTermination outcome : outcomes) {
            if (outcome.result() == null && outcome.error().retryable()) {
                again.add(outcome.request());
                why = why == null ? outcome.error() : why;
            } else {
                settled.put(outcome.request().instanceId(), outcome);
            }
        }
        if (why != null) {
            open.set(List.copyOf(again));
            throw new dev.macaque.spi.ProviderException(why.kind(), dev.macaque.text.Counts.of(again.size(), "member")
                    + " of " + group + " to ask again (" + String.join(", ", again.stream().map(TerminationRequest::instanceId).toList())
                    + "): " + why.getMessage(), why, true, why.retryAfter().orElse(null));
        }
        open.set(List.of());
        return List.copyOf(settled.values());
    }

    /** Called under the lock: the group is handled; the next goes (paced: after the pause, read again first). */
    private void groupDone(OutageGroup g) {
        g.stage = Stage.DONE;
        freeLane(g);
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
                        groupDone(g);
                    }
                },
                (error, attempts) -> {
                    synchronized (lock) {
                        if (run.state() != RunState.RUNNING) {
                            return;
                        }
                        abandonGroup(g, "could not read group " + g.group + " right before its turn, after "
                                + Counts.of(attempts, "attempt") + ": " + error);
                        groupDone(g);
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
        return plan.judgeFresh(g.group, fresh.desiredCapacity(), healthy.size(), present, spec.guardrails());
    }

    /** Called under the lock: the group's recorded intents end ABANDONED with {@code reason}; the ledger settles them. */
    private void abandonGroup(OutageGroup g, String reason) {
        abandonGroup(g, reason, true);
    }

    private void abandonGroup(OutageGroup g, String reason, boolean journaled) {
        g.records.forEach(record -> kills.abandon(record, reason, journaled));
        g.stage = Stage.DONE;
    }

    /**
     * Called under the lock when the run stops ({@code how}: "halted", "was aborted", "failed", ...): the groups whose
     * turn had not come have their recorded intents abandoned, never executed; a group waiting to retry its call too
     * (their lanes are given back). A call under way still has its outcomes recorded when it returns. Unless
     * {@code journaled} (the recorder failed), the records change in the run's result only.
     */
    void settle(String how, boolean journaled) {
        for (OutageGroup g : outage) {
            if (g.stage == Stage.WAITING) {
                abandonGroup(g, "the run " + how + " before group " + g.group + "'s turn: its intent was recorded, the "
                        + "provider never called", journaled);
                freeLane(g);
            } else if (g.stage == Stage.CALLING && g.lane.awaitingRetry()) {
                g.lane.retryCancelled();
                abandonGroup(g, "the run " + how + " while group " + g.group + "'s call was waiting to retry", journaled);
                freeLane(g);
            }
        }
    }

    /**
     * Called under the lock: recorded intents {@link #settle} would abandon now: their group's call has not begun, or
     * is waiting to retry.
     */
    int waiting() {
        return outage.stream().filter(g -> g.stage == Stage.WAITING || g.stage == Stage.CALLING && g.lane.awaitingRetry())
                .mapToInt(g -> g.records.size()).sum();
    }

    private static java.util.Set<String> healthyIds(VmGroup group) {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        group.healthyInService().forEach(instance -> ids.add(instance.id()));
        return ids;
    }

    /** Called under the lock: every member of the group's victims {@code [start, end)} refused with {@code why}. */
    private void refuseMembers(OutageGroup g, int start, int end, Refused why) {
        for (int i = start; i < end; i++) {
            kills.refuse(victims.get(i), why.reason(), why.message());
        }
    }
}
