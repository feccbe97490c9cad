package dev.macaque.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KillScheduleParserTest {
    private final KillScheduleParser parser = new KillScheduleParser();

    @Test
    void readsEveryField() {
        KillSchedule schedule = parser.parse("""
                name: weekday-chaos
                enabled: true
                experiment:
                  targets: {tags: {team: payments}}
                  guardrails: {minHealthyPercent: 75}
                meanTimeBetweenKills: 5d
                minTimeBetweenKills: 1d
                window:
                  weekdays: [MON, tuesday, WED]
                  from: "10:00"
                  to: 16
                  zone: Europe/Paris
                  holidays: [2026-12-25]
                """);
        assertThat(schedule.name()).isEqualTo("weekday-chaos");
        assertThat(schedule.experiment().name()).isEqualTo("weekday-chaos");
        assertThat(schedule.experiment().targets().tags()).isEqualTo(Map.of("team", "payments"));
        assertThat(schedule.experiment().guardrails().minHealthyPercent()).isEqualTo(75);
        assertThat(schedule.meanTimeBetweenKills()).isEqualTo(Duration.ofDays(5));
        assertThat(schedule.minTimeBetweenKills()).isEqualTo(Duration.ofDays(1));
        assertThat(schedule.window().weekdays()).containsExactly(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY);
        assertThat(schedule.window().from()).isEqualTo(LocalTime.of(10, 0));
        assertThat(schedule.window().to()).isEqualTo(LocalTime.of(16, 0));
        assertThat(schedule.window().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(schedule.window().holidays()).containsExactly(LocalDate.of(2026, 12, 25));
        assertThat(schedule.enabled()).isTrue();
    }

    @Test
    void defaultsToWeekdaysNineToFiveUtc() {
        KillSchedule schedule = parser.parse("{\"name\": \"x\", \"experiment\": {}, \"meanTimeBetweenKills\": \"2d\"}");
        assertThat(schedule.window()).isEqualTo(new ScheduleWindow(ScheduleWindow.MONDAY_TO_FRIDAY, LocalTime.of(9, 0),
                LocalTime.of(17, 0), ZoneOffset.UTC, java.util.Set.of()));
        assertThat(schedule.minTimeBetweenKills()).isZero();
        assertThat(schedule.enabled()).isTrue();
    }

    @Test
    void reportsEveryErrorIncludingTheExperimentsUnderItsPath() {
        SpecValidationException e = catchThrowableOfType(SpecValidationException.class, () -> parser.parse("""
                name: bad
                experiment: {guardrails: {maxTerminations: 0}, colour: red}
                meanTimeBetweenKills: often
                window: {weekdays: [MON, FUNDAY], from: "25:00", zone: Mars/Olympus, holidays: [christmas]}
                """));
        assertThat(e.errors()).extracting(FieldError::toString).containsExactlyInAnyOrder(
                "experiment.colour is not a known field (known: concurrency, dryRun, guardrails, name, pacing, recovery, seed, selection, steadyState, targets)",
                "experiment.guardrails.maxTerminations must be >= 1, was 0",
                "meanTimeBetweenKills 'often' is not a duration; expected a whole number and a unit ms, s, m, h or d,"
                        + " e.g. 500ms, 90s, 15m, 2h, 7d",
                "window.weekdays[1] 'FUNDAY' is not a weekday (MON..SUN or MONDAY..SUNDAY)",
                "window.from '25:00' is not a time of day (HH:MM or an hour 0-23)",
                "window.zone 'Mars/Olympus' is not an IANA time zone, e.g. Europe/Paris",
                "window.holidays[0] 'christmas' is not a date (YYYY-MM-DD)");
    }

    @Test
    void aWindowMustNotCrossMidnight() {
        SpecValidationException e = catchThrowableOfType(SpecValidationException.class, () -> parser.parse(
                "{\"name\": \"x\", \"experiment\": {}, \"meanTimeBetweenKills\": \"2d\", \"window\": {\"from\": \"22:00\", \"to\": \"02:00\"}}"));
        assertThat(e.errors()).extracting(FieldError::toString)
                .containsExactly("window from 22:00 must be before to 02:00 (windows do not cross midnight)");
    }
}
