package dev.macaque.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.spi.GroupRef;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ScheduleCalendarTest {
    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final GroupRef API = new GroupRef("sim", "eu-west-1", "api");
    private static final ExperimentSpec EXPERIMENT = new ExperimentSpecParser()
            .parse("{\"name\": \"chaos\", \"selection\": {\"mode\": \"count\", \"value\": 1}}");

    private static KillSchedule schedule(Duration mean, ScheduleWindow window, boolean enabled) {
        return new KillSchedule("chaos", EXPERIMENT, mean, Duration.ZERO, window, enabled);
    }

    private static ScheduleWindow weekdays(LocalTime from, LocalTime to, Set<LocalDate> holidays) {
        return new ScheduleWindow(ScheduleWindow.MONDAY_TO_FRIDAY, from, to, PARIS, holidays);
    }

    private static List<GroupRef> groups(int n) {
        return IntStream.range(0, n).mapToObj(i -> new GroupRef("sim", "eu-west-1", "g" + i)).toList();
    }

    @Test
    void theDailyProbabilityIsOneOverTheMeanInWorkingDays() {
        ScheduleWindow window = weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0), Set.of());
        assertThat(schedule(Duration.ofDays(5), window, true).dailyKillProbability()).isEqualTo(0.2);
        assertThat(schedule(Duration.ofHours(36), window, true).dailyKillProbability()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(schedule(Duration.ofHours(12), window, true).dailyKillProbability()).isEqualTo(1.0);
    }

    @Test
    void killsHappenOnWorkingDaysAtTheExpectedRateInsideTheWindow() {
        ScheduleWindow window = weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0), Set.of());
        ScheduleCalendar calendar = new ScheduleCalendar(schedule(Duration.ofDays(5), window, true), 42);
        LocalDate monday = LocalDate.of(2026, 6, 1);
        int kills = 0;
        int groupDays = 0;
        for (GroupRef group : groups(400)) {
            for (int d = 0; d < 7; d++) {
                LocalDate day = monday.plusDays(d);
                Optional<PlannedKill> kill = calendar.killOn(group, day);
                if (day.getDayOfWeek().getValue() >= 6) {
                    assertThat(kill).as("no kill on %s", day.getDayOfWeek()).isEmpty();
                    continue;
                }
                groupDays++;
                if (kill.isPresent()) {
                    kills++;
                    LocalTime local = kill.get().at().atZone(PARIS).toLocalTime();
                    assertThat(local).isBetween(LocalTime.of(9, 0), LocalTime.of(16, 59, 59, 999_000_000));
                    assertThat(kill.get().day()).isEqualTo(day);
                }
            }
        }
        // 2000 group-days at p = 0.2: mean 400, standard deviation ~17.9; 5 sigma either side.
        assertThat(groupDays).isEqualTo(2000);
        assertThat(kills).isBetween(400 - 90, 400 + 90);
    }

    @Test
    void holidaysAndDisabledSchedulesHaveNoKills() {
        LocalDate christmas = LocalDate.of(2026, 12, 25); // a Friday
        ScheduleWindow window = weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0), Set.of(christmas));
        ScheduleCalendar everyDay = new ScheduleCalendar(schedule(Duration.ofDays(1), window, true), 1);
        assertThat(everyDay.killOn(API, christmas)).isEmpty();
        assertThat(everyDay.killOn(API, christmas.minusDays(1))).isPresent();
        ScheduleCalendar disabled = new ScheduleCalendar(schedule(Duration.ofDays(1), window, false), 1);
        assertThat(disabled.killOn(API, christmas.minusDays(1))).isEmpty();
        assertThat(disabled.upcoming(API, Instant.parse("2026-12-01T00:00:00Z"), 3)).isEmpty();
    }

    @Test
    void thePlanIsAPureFunctionOfSeedGroupAndDay() {
        ScheduleWindow window = weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0), Set.of());
        KillSchedule chaos = schedule(Duration.ofDays(2), window, true);
        Instant from = Instant.parse("2026-06-01T00:00:00Z");
        List<PlannedKill> first = new ScheduleCalendar(chaos, 7).upcoming(groups(50), from, 100);
        List<PlannedKill> again = new ScheduleCalendar(chaos, 7).upcoming(groups(50), from, 100);
        assertThat(again).isEqualTo(first);
        assertThat(new ScheduleCalendar(chaos, 8).upcoming(groups(50), from, 100)).isNotEqualTo(first);
        // Adding groups does not move another group's kills.
        List<PlannedKill> withMore = new ScheduleCalendar(chaos, 7).upcoming(groups(80), from, 1000);
        assertThat(withMore).containsAll(new ScheduleCalendar(chaos, 7).upcoming(groups(50), from, 1000).stream()
                .filter(k -> withMore.get(withMore.size() - 1).at().isAfter(k.at())).toList());
    }

    @Test
    void upcomingListsTheNextKillsInOrderFromTheGivenInstant() {
        ScheduleWindow window = weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0), Set.of(LocalDate.of(2026, 6, 3)));
        ScheduleCalendar calendar = new ScheduleCalendar(schedule(Duration.ofDays(1), window, true), 3);
        Instant from = ZonedDateTime.of(2026, 6, 1, 12, 0, 0, 0, PARIS).toInstant(); // Monday noon
        List<PlannedKill> next = calendar.upcoming(API, from, 5);
        assertThat(next).hasSize(5);
        assertThat(next).extracting(PlannedKill::at).isSorted().allMatch(at -> !at.isBefore(from));
        assertThat(next).extracting(PlannedKill::day).doesNotContain(LocalDate.of(2026, 6, 3))
                .allMatch(day -> day.getDayOfWeek().getValue() <= 5);
        for (PlannedKill kill : next) {
            assertThat(calendar.killOn(API, kill.day())).contains(kill);
        }
        List<PlannedKill> manyGroups = calendar.upcoming(groups(10), from, 25);
        assertThat(manyGroups).hasSize(25).extracting(PlannedKill::at).isSorted();
    }

    @Test
    void springForwardShortensTheWindowAndNoKillFallsInTheGap() {
        // 2026-03-29: Paris clocks jump from 02:00 to 03:00. A 01:00-04:00 window is two real hours long.
        LocalDate day = LocalDate.of(2026, 3, 29);
        ScheduleWindow window = new ScheduleWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.of(1, 0), LocalTime.of(4, 0), PARIS, Set.of());
        ScheduleCalendar calendar = new ScheduleCalendar(schedule(Duration.ofDays(1), window, true), 11);
        int[] byHour = new int[24];
        Instant start = ZonedDateTime.of(day, LocalTime.of(1, 0), PARIS).toInstant();
        for (GroupRef group : groups(4000)) {
            PlannedKill kill = calendar.killOn(group, day).orElseThrow();
            assertThat(Duration.between(start, kill.at())).isLessThan(Duration.ofHours(2)).isGreaterThanOrEqualTo(Duration.ZERO);
            byHour[kill.at().atZone(PARIS).getHour()]++;
        }
        assertThat(byHour[2]).isZero();
        assertThat(byHour[1] + byHour[3]).isEqualTo(4000);
        assertThat(byHour[1]).isBetween(1800, 2200); // half of the real time each
    }

    @Test
    void fallBackLengthensTheWindowAndTheRepeatedHourGetsItsRealShare() {
        // 2026-10-25: Paris clocks go back from 03:00 to 02:00, so 02:00-03:00 happens twice; the window is 4 real hours.
        LocalDate day = LocalDate.of(2026, 10, 25);
        ScheduleWindow window = new ScheduleWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.of(1, 0), LocalTime.of(4, 0), PARIS, Set.of());
        ScheduleCalendar calendar = new ScheduleCalendar(schedule(Duration.ofDays(1), window, true), 12);
        Instant start = ZonedDateTime.of(day, LocalTime.of(1, 0), PARIS).toInstant();
        int inRepeatedHour = 0;
        Duration latest = Duration.ZERO;
        for (GroupRef group : groups(4000)) {
            PlannedKill kill = calendar.killOn(group, day).orElseThrow();
            Duration offset = Duration.between(start, kill.at());
            assertThat(offset).isLessThan(Duration.ofHours(4)).isGreaterThanOrEqualTo(Duration.ZERO);
            latest = offset.compareTo(latest) > 0 ? offset : latest;
            if (kill.at().atZone(PARIS).getHour() == 2) {
                inRepeatedHour++;
            }
        }
        assertThat(latest).isGreaterThan(Duration.ofMinutes(230));
        assertThat(inRepeatedHour).isBetween(1800, 2200); // two of the four real hours
    }

    @Test
    void aWindowStartInsideTheGapMovesForward() {
        // 2026-03-08: New York clocks jump from 02:00 to 03:00; a window from 02:30 starts at 03:30 local.
        ZoneId newYork = ZoneId.of("America/New_York");
        LocalDate day = LocalDate.of(2026, 3, 8);
        ScheduleWindow window = new ScheduleWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.of(2, 30), LocalTime.of(5, 0), newYork, Set.of());
        ScheduleCalendar calendar = new ScheduleCalendar(schedule(Duration.ofDays(1), window, true), 13);
        for (GroupRef group : groups(500)) {
            LocalTime local = calendar.killOn(group, day).orElseThrow().at().atZone(newYork).toLocalTime();
            assertThat(local).isBetween(LocalTime.of(3, 30), LocalTime.of(5, 0));
        }
    }

    @Test
    void aScheduledKillRunsTheExperimentOnOneInstanceOfOneGroupWithTheStricterMinTime() {
        KillSchedule chaos = new KillSchedule("chaos", EXPERIMENT.withDryRun(true), Duration.ofDays(5), Duration.ofDays(1),
                weekdays(LocalTime.of(9, 0), LocalTime.of(17, 0), Set.of()), true);
        ExperimentSpec one = chaos.experimentFor(API);
        assertThat(one.targets().providers()).containsExactly("sim");
        assertThat(one.targets().regions()).containsExactly("eu-west-1");
        assertThat(one.targets().groups()).containsExactly("api");
        assertThat(one.selection()).isEqualTo(ExperimentSpec.Selection.count(1));
        assertThat(one.guardrails().minTimeBetweenKills()).isEqualTo(Duration.ofDays(1));
        assertThat(one.dryRun()).isTrue();
    }
}
