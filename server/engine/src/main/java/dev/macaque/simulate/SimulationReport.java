package dev.macaque.simulate;

import dev.macaque.simulated.RecoveryEpisode;
import dev.macaque.simulated.SeriesPoint;
import dev.macaque.simulated.scenario.FaultSpec;
import dev.macaque.simulated.scenario.Load;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything a simulation measured, in a fixed order (groups and services in scenario order, kills in time order):
 * what {@code report.json} and {@code report.html} are written from.
 *
 * @param scenario   the scenario's name
 * @param source     the scenario file
 * @param seed       the seed used
 * @param start      the instant virtual time 0 stands for
 * @param duration   virtual time simulated
 * @param events     lines in the event log
 * @param services   per service, scenario order
 * @param groups     per group, scenario order
 * @param kills      every real kill, in time order
 * @param refusals   every termination a guardrail refused, in time order
 * @param runs       every engine run started, in start order
 * @param faults     the scenario's faults
 * @param overloads  overload windows of services, in start order
 * @param hypotheses the hypotheses, checked, in scenario order
 * @param incidents  stretches in which a service served less than its load, with their root causes, by start
 * @param incidentsOmitted incidents beyond the {@value IncidentTracker#MAX_INCIDENTS} kept
 * @param schedules  the Chaos Monkey schedules of the {@code chaos} list, in entry order
 * @param steadyState the experiments' probe timelines and the comparison without them ({@link SteadyStateReport#NONE}
 *                    when no experiment has probes)
 */
public record SimulationReport(String scenario, String source, long seed, Instant start, Duration duration, long events,
                               List<ServiceReport> services, List<GroupReport> groups, List<KillRecord> kills,
                               List<RefusalRecord> refusals,
                               List<RunSummary> runs, List<FaultSpec> faults, List<OverloadWindow> overloads,
                               List<HypothesisResult> hypotheses, List<Incident> incidents, long incidentsOmitted,
                               List<ScheduleSummary> schedules, SteadyStateReport steadyState) {
    public SimulationReport(String scenario, String source, long seed, Instant start, Duration duration, long events,
                            List<ServiceReport> services, List<GroupReport> groups, List<KillRecord> kills,
                            List<RefusalRecord> refusals, List<RunSummary> runs, List<FaultSpec> faults,
                            List<OverloadWindow> overloads, List<HypothesisResult> hypotheses, List<Incident> incidents,
                            long incidentsOmitted, List<ScheduleSummary> schedules) {
        this(scenario, source, seed, start, duration, events, services, groups, kills, refusals, runs, faults, overloads,
                hypotheses, incidents, incidentsOmitted, schedules, SteadyStateReport.NONE);
    }

    /** The same report with the steady-state part. */
    SimulationReport withSteadyState(SteadyStateReport value) {
        return new SimulationReport(scenario, source, seed, start, duration, events, services, groups, kills, refusals, runs,
                faults, overloads, hypotheses, incidents, incidentsOmitted, schedules, value);
    }

    public SimulationReport {
        steadyState = steadyState == null ? SteadyStateReport.NONE : steadyState;
        Objects.requireNonNull(scenario, "scenario");
        services = List.copyOf(services);
        groups = List.copyOf(groups);
        kills = List.copyOf(kills);
        refusals = List.copyOf(refusals);
        runs = List.copyOf(runs);
        faults = List.copyOf(faults);
        overloads = List.copyOf(overloads);
        hypotheses = List.copyOf(hypotheses);
        incidents = List.copyOf(incidents);
        schedules = List.copyOf(schedules);
    }

    /** How the hypotheses about one measure went: what colours whatever shows that measure. */
    public enum Verdict {
        /** Every hypothesis about it holds: green. */
        HELD,
        /** One failed: red, whatever the number looks like. */
        FAILED,
        /** No hypothesis is about it: no colour, since nobody said what good is. */
        NONE;

        /** The CSS class of the pages: {@code good}, {@code bad} or empty. */
        public String tone() {
            return this == HELD ? "good" : this == FAILED ? "bad" : "";
        }
    }

    /** The verdict of the hypotheses on {@code service}'s availability. */
    public Verdict availabilityVerdict(String service) {
        return verdict(h -> h.function() == HypothesisFunction.AVAILABILITY && h.argument().equals(service));
    }

    /** The verdict of the hypotheses on any service's availability. */
    public Verdict availabilityVerdict() {
        return verdict(h -> h.function() == HypothesisFunction.AVAILABILITY);
    }

    /**
     * The verdict of the hypotheses on {@code group}'s recovery: its recovery times, all recovery times, or the
     * engine's NOT_RECOVERED verdicts.
     */
    public Verdict recoveryVerdict(String group) {
        return verdict(h -> (h.function() == HypothesisFunction.RECOVERY_SECONDS && h.argument().equals(group))
                || h.function() == HypothesisFunction.MAX || h.function() == HypothesisFunction.P50
                || h.function() == HypothesisFunction.P95 || h.function() == HypothesisFunction.NOT_RECOVERED);
    }

    /** The verdict of the hypotheses on refusals. */
    public Verdict refusalsVerdict() {
        return verdict(h -> h.function() == HypothesisFunction.REFUSALS);
    }

    private Verdict verdict(java.util.function.Predicate<HypothesisExpression> about) {
        List<HypothesisResult> relevant = hypotheses.stream().filter(r -> about.test(r.expression())).toList();
        if (relevant.isEmpty()) {
            return Verdict.NONE;
        }
        return relevant.stream().allMatch(HypothesisResult::passed) ? Verdict.HELD : Verdict.FAILED;
    }

    /** Whether every hypothesis holds (true when there are none). */
    public boolean allHypothesesHold() {
        return hypotheses.stream().allMatch(HypothesisResult::passed);
    }

    /**
     * @param availability served ÷ offered requests over the run, percent
     * @param load         the offered load curve
     * @param series       change points of healthy capacity, load and success ratio
     * @param dependsOn    the services it calls
     */
    public record ServiceReport(String name, String group, double availability, double offeredRequests,
                                double servedRequests, Load load, List<SeriesPoint> series, List<String> dependsOn) {
        public ServiceReport {
            series = List.copyOf(series);
            dependsOn = List.copyOf(dependsOn);
        }
    }

    /**
     * @param kills               real kills the engine made in the group
     * @param refusals            terminations the guardrails refused
     * @param recovery            the world's exact recovery times of those kills
     * @param stillDegradedAtEnd  kills the group had not recovered from when the run ended
     * @param engineRecovered     (run, group) verifications the engine judged RECOVERED
     * @param engineNotRecovered  (run, group) verifications the engine judged NOT_RECOVERED
     * @param enginePending       (run, group) verifications still going on at the end
     * @param episodes            every recovery episode of the world (kills, faults, overload crashes)
     */
    public record GroupReport(String name, int desired, int kills, int refusals, RecoveryStats recovery, int stillDegradedAtEnd,
                              int engineRecovered, int engineNotRecovered, int enginePending, List<RecoveryEpisode> episodes) {
        public GroupReport {
            episodes = List.copyOf(episodes);
        }
    }

    /**
     * @param run        the run's id
     * @param entry      index of the chaos entry that started it
     * @param experiment the experiment's name
     * @param startedAt  since the world's start
     * @param state      the run's state when the simulation ended
     * @param victims    instances it selected
     * @param refusals   of those, how many a guardrail refused
     * @param note       why it killed nothing (empty when it killed something)
     * @param zone       for a zone outage ({@code selection.mode: zone}), the zone it took down; else null
     * @param zoneRefusals for a zone outage, each group it spared whole, as "group: REASON (why)", in order
     */
    public record RunSummary(String run, int entry, String experiment, Duration startedAt, String state, int victims,
                             int refusals, String note, String zone, List<String> zoneRefusals) {
        public RunSummary {
            zoneRefusals = List.copyOf(zoneRefusals);
        }

        public RunSummary(String run, int entry, String experiment, Duration startedAt, String state, int victims,
                          int refusals, String note) {
            this(run, entry, experiment, startedAt, state, victims, refusals, note, null, List.of());
        }
    }

    /**
     * A Chaos Monkey schedule of the scenario and what it planned.
     *
     * @param entry  index in the {@code chaos} list
     * @param name   the schedule's name
     * @param window the kill window, as it resolves in the schedule's zone
     * @param groups eligible groups when it was planned (opted in and targeted)
     * @param kills  kills planned over the run
     */
    public record ScheduleSummary(int entry, String name, dev.macaque.schedule.ScheduleWindow window, int groups, int kills) {
    }
}
