package dev.macaque.simulate;

import dev.macaque.engine.ExperimentRun;
import dev.macaque.engine.ExperimentRunner;
import dev.macaque.engine.Eligibility;
import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetLedger;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.InMemoryKillHistory;
import dev.macaque.engine.KillHistory;
import dev.macaque.engine.KillSwitch;
import dev.macaque.engine.ProviderDirectory;
import dev.macaque.engine.RetryPolicy;
import dev.macaque.engine.SeededRandom;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.PlannedKill;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.RunSummary;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulated.RecoveryEpisode;
import dev.macaque.simulated.ServiceMetrics;
import dev.macaque.simulated.SimulatedProvider;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.eventlog.EventSink;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ServiceSpec;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One simulation: the scenario's world with its faults, the experiment engine running the {@code chaos} entries
 * inside it in virtual time, and the report measured from the event log.
 *
 * <p>Determinism: the world's randomness comes from the scenario seed; every engine run's seed (when its spec has
 * none) and every schedule's calendar seed are named streams of the same seed ({@code engine/<runId>},
 * {@code schedule/chaos[i]}); run ids are {@code sim-<entry>-<n>}. The world is always run in the same
 * {@value #SLICES} slices whether or not anyone watches progress, so the event log does not depend on the terminal.
 */
public final class Simulation {
    /** The world is run in this many equal slices of virtual time, reporting progress after each. */
    static final int SLICES = 1000;

    /** Told after each slice of virtual time. */
    @FunctionalInterface
    public interface ProgressListener {
        void advanced(Duration simulated, Duration total, long events);

        ProgressListener NONE = (simulated, total, events) -> { };
    }

    private final SimulationInput input;
    private final Scenario scenario;
    private final SimulatedWorld world;
    private final SimulatedProvider provider;
    private final WorldTaskScheduler scheduler;
    /** The world's log behind the fleet's record: runs that overlap (schedules, one-shots) are decided fleet-wide. */
    private final FleetLedger recorder;
    private final KillHistory killHistory = new InMemoryKillHistory();
    private final KillLedger ledger = new KillLedger();
    private final IncidentTracker incidents;
    /** Runs still going; finished runs are summarised and dropped after each slice, so memory does not grow with runs. */
    private final List<ExperimentRun> liveRuns = new ArrayList<>();
    private final List<Integer> liveEntries = new ArrayList<>();
    private final List<RunSummary> finishedRuns = new ArrayList<>();
    private final List<SimulationReport.ScheduleSummary> schedules = new ArrayList<>();
    private final Map<String, Boolean> endedRuns = new HashMap<>();
    private final Map<String, Integer> startOrder = new HashMap<>();
    private final boolean keepResults;
    private final String providerId;
    /** The experiments' probe names bound to simulated services (scenario {@code probes:}). */
    private final Map<String, dev.macaque.engine.probe.Probe.Service> probeBindings;
    private final List<SteadyStateReport.ProbeTimeline> probeTimelines = new ArrayList<>();
    private final List<dev.macaque.engine.RunResult> keptResults = new ArrayList<>();

    /** @param sinks receivers of every event (e.g. the {@code events.jsonl} writer), added before anything runs */
    public Simulation(SimulationInput input, List<EventSink> sinks) {
        this(input, sinks, ChaosPlanParser.PROVIDER_ID, false);
    }

    /**
     * @param providerId  the id the world's provider carries (a prediction uses the real provider's, so that specs
     *                    naming it and group references match)
     * @param keepResults whether to keep every run's full result (a prediction's single run); otherwise only summaries
     */
    Simulation(SimulationInput input, List<EventSink> sinks, String providerId, boolean keepResults) {
        this.keepResults = keepResults;
        this.providerId = providerId;
        this.input = Objects.requireNonNull(input, "input is null");
        this.probeBindings = ProbeBindings.parse(input.scenario(), new ArrayList<>()); // validated by SimulationInput
        this.scenario = input.scenario();
        this.world = SimulatedWorld.of(scenario);
        world.addEventSink(ledger);
        this.incidents = new IncidentTracker(world, scenario);
        world.addEventSink(incidents);
        sinks.forEach(world::addEventSink);
        this.provider = world.provider(providerId);
        this.scheduler = new WorldTaskScheduler(world);
        this.recorder = new FleetLedger(new WorldRunRecorder(world, List.of(ledger)), FleetBudgets.UNLIMITED);
    }

    public SimulatedWorld world() {
        return world;
    }

    /** Runs the whole scenario once and measures it. */
    public SimulationReport run(ProgressListener progress) {
        for (ChaosAction action : input.chaos()) {
            if (action instanceof ChaosAction.OneShot oneShot) {
                String runId = runId(oneShot.index(), 1);
                world.schedule(world.start().plus(oneShot.at()),
                        () -> startRun(oneShot.index(), runId, oneShot.experiment(), null));
            } else if (action instanceof ChaosAction.Scheduled scheduled) {
                plan(scheduled);
            }
        }
        Duration total = scenario.duration();
        long totalNanos = total.toNanos();
        for (int slice = 1; slice <= SLICES; slice++) {
            long until = slice == SLICES ? totalNanos : totalNanos / SLICES * slice;
            world.runUntil(world.start().plusNanos(until));
            compactRuns();
            progress.advanced(Duration.ofNanos(until), total, world.loggedEvents());
        }
        SimulationReport report = report();
        if (!input.hasProbes()) {
            return report;
        }
        // The same seed without the probes: what the halts avoided. Deterministic, so the pair is reproducible.
        SimulationReport without = new Simulation(input.withoutSteadyState(), List.of(), providerId, false)
                .run(ProgressListener.NONE);
        List<SteadyStateReport.Comparison> comparison = new ArrayList<>();
        for (int i = 0; i < report.services().size(); i++) {
            ServiceReport with = report.services().get(i);
            ServiceReport base = without.services().get(i);
            comparison.add(new SteadyStateReport.Comparison(with.name(), with.availability(), base.availability(),
                    with.offeredRequests() - with.servedRequests(), base.offeredRequests() - base.servedRequests()));
        }
        return report.withSteadyState(new SteadyStateReport(probeTimelines, comparison));
    }

    /** Probes in virtual time: a bound probe reads its service's success ratio now, synchronously (deterministic). */
    private dev.macaque.engine.probe.ProbeEvaluator simulatedProbes() {
        dev.macaque.engine.probe.ProbeEvaluator worldProbes = dev.macaque.engine.probe.ProbeEvaluator.routing(
                dev.macaque.engine.probe.ProbeEvaluator.UNSUPPORTED, world::successRatio);
        return probe -> {
            dev.macaque.engine.probe.Probe.Service simulated = ProbeBindings.simulated(probe, probeBindings);
            return worldProbes.evaluate(simulated == null ? probe
                    : new dev.macaque.engine.probe.Probe.Service(probe.name(), simulated.service(), simulated.minSuccessPercent()));
        };
    }

    private static String runId(int entry, int n) {
        return "sim-" + entry + "-" + n;
    }

    /**
     * Plans a schedule over the whole run with the same calendar the server uses: for each eligible group (opted in
     * and targeted, as listed by the provider at the start) and each day of the run in the window's zone, the
     * calendar's kill, if any, becomes a run of {@link KillSchedule#experimentFor(GroupRef)} at that instant.
     */
    private void plan(ChaosAction.Scheduled action) {
        KillSchedule schedule = action.schedule();
        ExperimentSpec.Targets targets = schedule.experiment().targets();
        long calendarSeed = SeededRandom.stream(scenario.seed(), "schedule/chaos[" + action.index() + "]").nextLong();
        ScheduleCalendar calendar = new ScheduleCalendar(schedule, calendarSeed);
        List<GroupRef> groups = new ArrayList<>();
        for (GroupSummary summary : provider.listGroups(new GroupFilter(targets.regions(), targets.tags()))) {
            if (Eligibility.ofListed(provider.id(), summary, targets).eligible()) {
                groups.add(summary.ref());
            }
        }
        Instant start = world.start();
        Instant end = start.plus(scenario.duration());
        LocalDate first = start.atZone(schedule.window().zone()).toLocalDate();
        LocalDate last = end.atZone(schedule.window().zone()).toLocalDate();
        List<PlannedKill> kills = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            for (GroupRef group : groups) {
                calendar.killOn(group, day).filter(k -> !k.at().isBefore(start) && k.at().isBefore(end)).ifPresent(kills::add);
            }
        }
        kills.sort(Comparator.comparing(PlannedKill::at).thenComparing(k -> k.group().toString()));
        schedules.add(new SimulationReport.ScheduleSummary(action.index(), schedule.name(), schedule.window(), groups.size(),
                kills.size()));
        world.log("chaos.schedule_planned", "entry", action.index(), "schedule", schedule.name(),
                "groups", groups.stream().map(GroupRef::name).collect(Collectors.joining(",")),
                "kills", kills.size());
        for (int n = 0; n < kills.size(); n++) {
            PlannedKill kill = kills.get(n);
            String runId = runId(action.index(), n + 1);
            world.schedule(kill.at(), () -> startRun(action.index(), runId, schedule.experimentFor(kill.group()), kill.group()));
        }
    }

    private void startRun(int entry, String runId, ExperimentSpec spec, GroupRef plannedGroup) {
        if (plannedGroup == null) {
            world.log("chaos.run_started", "entry", entry, "run", runId, "experiment", spec.name());
        } else {
            world.log("chaos.run_started", "entry", entry, "run", runId, "experiment", spec.name(), "group", plannedGroup.name());
        }
        long seed = SeededRandom.stream(scenario.seed(), "engine/" + runId).nextLong();
        ExperimentRunner runner = new ExperimentRunner(ProviderDirectory.of(provider), scheduler, recorder,
                KillSwitch.NEVER_ENGAGED, killHistory, RetryPolicy.DEFAULT, () -> seed, simulatedProbes(),
                dev.macaque.engine.StopConditions.NONE);
        startOrder.put(runId, startOrder.size());
        liveRuns.add(runner.start(runId, spec));
        liveEntries.add(entry);
    }

    /** Summarises finished runs (their state no longer changes) and lets go of them. */
    private void compactRuns() {
        int kept = 0;
        for (int i = 0; i < liveRuns.size(); i++) {
            ExperimentRun run = liveRuns.get(i);
            if (run.state().isTerminal()) {
                finishedRuns.add(summary(run, liveEntries.get(i)));
                if (keepResults) {
                    keptResults.add(run.result());
                }
                endedRuns.put(run.id(), Boolean.TRUE);
            } else {
                liveRuns.set(kept, run);
                liveEntries.set(kept, liveEntries.get(i));
                kept++;
            }
        }
        liveRuns.subList(kept, liveRuns.size()).clear();
        liveEntries.subList(kept, liveEntries.size()).clear();
    }

    /** Results of the runs that ended, when kept (see the constructor), followed by those still going, in that order. */
    List<dev.macaque.engine.RunResult> runResults() {
        List<dev.macaque.engine.RunResult> all = new ArrayList<>(keptResults);
        liveRuns.forEach(run -> all.add(run.result()));
        return all;
    }

    private RunSummary summary(ExperimentRun run, int entry) {
        dev.macaque.engine.RunResult result = run.result();
        if (!run.spec().steadyState().isEmpty() && run.state().isTerminal()) {
            probeTimelines.add(probeTimeline(result));
        }
        int victims = result.victims().size();
        int refusals = result.refusals().size();
        String note = "";
        if (victims == refusals) {
            note = result.failureReason() != null ? result.failureReason()
                    : victims == 0 ? "no eligible instance matched the targets" : "every victim was refused by a guardrail";
        }
        // A zone outage: its zone, and the groups it spared whole with the first refusal of each (the same for all members)
        String zone = null;
        List<String> zoneRefusals = new ArrayList<>();
        for (dev.macaque.engine.RunEvent event : result.events()) {
            if (event.step() instanceof dev.macaque.engine.RunStep.ZoneSelected selected) {
                zone = selected.zone();
                for (dev.macaque.spi.GroupRef group : selected.refusedGroups()) {
                    result.refusals().stream().filter(r -> r.group().equals(group)).findFirst().ifPresent(r ->
                            zoneRefusals.add(group.name() + ": " + r.reason() + " (" + r.message() + ")"));
                }
            }
        }
        return new RunSummary(run.id(), entry, run.spec().name(), Duration.between(world.start(), result.createdAt()),
                run.state().name(), victims, refusals, note, zone, zoneRefusals);
    }

    private SteadyStateReport.ProbeTimeline probeTimeline(dev.macaque.engine.RunResult result) {
        List<SteadyStateReport.Evaluation> evaluations = new ArrayList<>();
        long omitted = 0;
        Duration haltedAt = null;
        String haltedBy = null;
        String observed = null;
        int spared = 0;
        for (dev.macaque.engine.RunEvent event : result.events()) {
            Duration at = Duration.between(world.start(), event.time());
            if (event.step() instanceof dev.macaque.engine.RunStep.ProbeEvaluated e) {
                if (evaluations.size() < SteadyStateReport.MAX_EVALUATIONS_PER_RUN) {
                    evaluations.add(new SteadyStateReport.Evaluation(at, e.probe(), e.phase().name(), e.passed(), e.observed()));
                } else {
                    omitted++;
                }
            } else if (event.step() instanceof dev.macaque.engine.RunStep.RunHalted h) {
                haltedAt = at;
                haltedBy = h.probe();
                observed = h.observed();
                spared = h.remaining();
            } else if (event.step() instanceof dev.macaque.engine.RunStep.RunNotSteady n) {
                haltedAt = at;
                haltedBy = n.probe();
                observed = n.observed();
                spared = result.victims().size();
            }
        }
        return new SteadyStateReport.ProbeTimeline(result.runId(), result.experiment(), result.state().name(), evaluations,
                omitted, haltedAt, haltedBy, observed, spared);
    }

    private SimulationReport report() {
        incidents.finish();
        Map<String, Boolean> ended = new HashMap<>(endedRuns);
        liveRuns.forEach(run -> ended.put(run.id(), run.state().isTerminal()));
        List<KillRecord> kills = new ArrayList<>();
        for (KillRecord kill : ledger.kills()) {
            // A run that ended (failed or aborted) without judging the group never will: its verdict is SKIPPED.
            boolean runEnded = ended.getOrDefault(kill.run(), false);
            kills.add(kill.engineVerdict().equals("PENDING") && runEnded
                    ? new KillRecord(kill.run(), kill.group(), kill.instance(), kill.at(), kill.recoveredAt(), "SKIPPED",
                    kill.engineRecovery())
                    : kill);
        }
        List<ServiceReport> services = new ArrayList<>();
        for (ServiceSpec spec : scenario.services()) {
            ServiceMetrics metrics = world.serviceMetrics(spec.name());
            services.add(new ServiceReport(spec.name(), spec.group(), metrics.availabilityPercent(), metrics.offeredRequests(),
                    metrics.servedRequests(), spec.load(), world.series(spec.name()), spec.dependsOn()));
        }
        Map<String, List<KillRecord>> killsByGroup = new HashMap<>();
        kills.forEach(kill -> killsByGroup.computeIfAbsent(kill.group(), g -> new ArrayList<>()).add(kill));
        Map<String, Integer> refusalsByGroup = new HashMap<>();
        ledger.refusals().forEach(refusal -> refusalsByGroup.merge(refusal.group(), 1, Integer::sum));
        List<GroupReport> groups = new ArrayList<>();
        for (GroupSpec spec : scenario.groups()) {
            List<KillRecord> own = killsByGroup.getOrDefault(spec.name(), List.of());
            List<RecoveryEpisode> episodes = world.recoveryEpisodes(spec.name());
            int pending = (int) own.stream().filter(k -> k.engineVerdict().equals("PENDING")).map(KillRecord::run).distinct().count();
            int refusals = refusalsByGroup.getOrDefault(spec.name(), 0);
            groups.add(new GroupReport(spec.name(), spec.desired(), own.size(), refusals,
                    RecoveryStats.of(own.stream().map(KillRecord::recoverySeconds).toList()),
                    (int) own.stream().filter(k -> k.recoveredAt().isEmpty()).count(),
                    ledger.verdicts(spec.name(), "RECOVERED"), ledger.verdicts(spec.name(), "NOT_RECOVERED"), pending, episodes));
        }
        List<RunSummary> summaries = new ArrayList<>(finishedRuns);
        for (int i = 0; i < liveRuns.size(); i++) {
            summaries.add(summary(liveRuns.get(i), liveEntries.get(i)));
        }
        summaries.sort(Comparator.comparingInt(r -> startOrder.get(r.run())));
        List<HypothesisResult> hypotheses = new HypothesisEvaluator(services, groups, kills).evaluate(input.hypotheses());
        return new SimulationReport(scenario.name(), scenario.source(), scenario.seed(), world.start(), scenario.duration(),
                world.loggedEvents(), services, groups, kills, ledger.refusals(), summaries, scenario.faults(), ledger.overloads(), hypotheses,
                incidents.incidents(), incidents.omitted(), schedules);
    }
}
