package dev.macaque.schedule;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * When scheduled kills may happen: on the given weekdays that are not holidays, between {@code from} and
 * {@code to} local time in {@code zone}. Windows do not cross midnight ({@code from < to}).
 *
 * @param weekdays working days, default Monday to Friday
 * @param from     start of the window, local time, default 09:00
 * @param to       end of the window (exclusive), local time, default 17:00
 * @param zone     IANA time zone of the window, default UTC
 * @param holidays local dates with no kills
 */
public record ScheduleWindow(Set<DayOfWeek> weekdays, LocalTime from, LocalTime to, ZoneId zone, Set<LocalDate> holidays) {
    public static final Set<DayOfWeek> MONDAY_TO_FRIDAY = Collections.unmodifiableSet(
            EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
    public static final LocalTime DEFAULT_FROM = LocalTime.of(9, 0);
    public static final LocalTime DEFAULT_TO = LocalTime.of(17, 0);

    public ScheduleWindow {
        if (weekdays.isEmpty()) {
            throw new IllegalArgumentException("window.weekdays must name at least one day");
        }
        weekdays = Collections.unmodifiableSet(EnumSet.copyOf(weekdays));
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(zone, "zone");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("window.from " + from + " must be before window.to " + to);
        }
        holidays = Collections.unmodifiableSet(new TreeSet<>(holidays));
    }

    /** Whether kills may happen on {@code day}: a listed weekday and not a holiday. */
    public boolean isWorkingDay(LocalDate day) {
        return weekdays.contains(day.getDayOfWeek()) && !holidays.contains(day);
    }
}
