package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.SeededRandom;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.scenario.ScenarioParser;
import dev.macaque.spi.GroupRef;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code schedule:} chaos entries: Chaos Monkey mode through the server's own calendar, in virtual time. */
class ScheduledChaosTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");

    /**
     * Three weeks from Thu 1 Jan 2026; kills on Mondays, Wednesdays and Fridays between 10:00 and 12:00 in Paris,
     * every working day (mean 1d), Friday 9 Jan a holiday. Working days in the run: Fri 2, Mon 5, Wed 7, Mon 12,
     * Wed 14, Fri 16, Mon 19, Wed 21 — eight, for each of the two groups.
     */
    private static final String SCHEDULED = """
            name: monkey
            seed: 99
            duration: 21d
            groups:
              - {name: api, region: eu-west-1, zones: [a, b], desired: 4, tags: {macaque-enabled: "true"}}
              - {name: web, region: eu-west-1, zones: [a, b], desired: 4, tags: {macaque-enabled: "true"}}
              - {name: db, region: eu-west-1, zones: [a, b], desired: 4}
            chaos:
              - schedule:
                  meanTimeBetweenKills: 1d
                  window: {weekdays: [MON, WED, FRI], from: "10:00", to: "12:00", zone: Europe/Paris, holidays: [2026-01-09]}
                experiment: {name: monkey}
            """;

    @Test
    void killsFallOnlyInsideTheWindowOnWorkingDaysAtTheCalendarsInstants() {
        SimulationReport report = Simulations.run(SCHEDULED);

        assertThat(report.kills()).hasSize(16);
        assertThat(report.kills()).extracting(KillRecord::group).containsOnly("api", "web");
        for (KillRecord kill : report.kills()) {
            ZonedDateTime local = SimulatedWorld.DEFAULT_START.plus(kill.at()).atZone(PARIS);
            assertThat(local.getDayOfWeek()).as("%s", local).isIn(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY);
            assertThat(local.toLocalDate()).isNotEqualTo(LocalDate.of(2026, 1, 9));
            assertThat(local.toLocalTime()).as("%s", local).isBetween(LocalTime.of(10, 0), LocalTime.of(11, 59, 59, 999_999_999));
        }
        // The very instants the server's calendar plans for these groups with the simulation's derived seed.
        var schedule = ((ChaosAction.Scheduled) SimulationInput.of(ScenarioParser.parse(SCHEDULED, "s.yaml"), null).chaos().get(0))
                .schedule();
        ScheduleCalendar calendar = new ScheduleCalendar(schedule, SeededRandom.stream(99, "schedule/chaos[0]").nextLong());
        List<Instant> planned = calendar.upcoming(List.of(new GroupRef("sim", "eu-west-1", "api"),
                new GroupRef("sim", "eu-west-1", "web")), SimulatedWorld.DEFAULT_START, 16).stream().map(k -> k.at()).toList();
        assertThat(report.kills()).extracting(k -> SimulatedWorld.DEFAULT_START.plus(k.at())).containsExactlyElementsOf(planned);
        assertThat(report.runs()).extracting(SimulationReport.RunSummary::run).startsWith("sim-0-1", "sim-0-2").hasSize(16);
        assertThat(report.runs()).extracting(SimulationReport.RunSummary::state).containsOnly("COMPLETED");
    }

    @Test
    void theKillHistoryIsSharedSoMinTimeBetweenKillsHoldsAcrossEntries() {
        // A one-shot kill of api at 09:30 UTC on Fri 2 Jan, then the schedule's kill the same day (10:00-12:00 UTC):
        // refused, because the schedule asks for a day between kills of a group, whoever made the last one.
        SimulationReport report = Simulations.run("""
                name: shared-history
                duration: 2d
                groups:
                  - {name: api, region: r, zones: [a], desired: 4, tags: {macaque-enabled: "true"}}
                chaos:
                  - {at: 1890m, experiment: {name: early, selection: {mode: count, value: 1}}}
                  - schedule: {meanTimeBetweenKills: 1d, minTimeBetweenKills: 1d, window: {weekdays: [FRI], from: 10, to: 12}}
                    experiment: {name: monkey}
                hypotheses:
                  - "kills(api) == 1"
                  - "refusals(api) == 1"
                """);

        assertThat(report.allHypothesesHold()).as("%s", report.hypotheses()).isTrue();
        assertThat(report.kills().get(0).run()).isEqualTo("sim-0-1");
        assertThat(report.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.run()).isEqualTo("sim-1-1");
            assertThat(refusal.reason()).isEqualTo("MIN_TIME_BETWEEN_KILLS");
        });
        assertThat(ReportJson.write(report)).contains("\"reason\":\"MIN_TIME_BETWEEN_KILLS\"");
        assertThat(report.runs()).extracting(SimulationReport.RunSummary::run).containsExactly("sim-0-1", "sim-1-1");
    }

    @Test
    void aDisabledScheduleKillsNothingAndGroupsNotOptedInAreNeverPlanned() {
        SimulationReport disabled = Simulations.run(SCHEDULED.replace("meanTimeBetweenKills: 1d", "meanTimeBetweenKills: 1d\n      enabled: false"));

        assertThat(disabled.kills()).isEmpty();
        assertThat(Set.copyOf(Simulations.run(SCHEDULED).kills().stream().map(KillRecord::group).toList())).doesNotContain("db");
    }
}
