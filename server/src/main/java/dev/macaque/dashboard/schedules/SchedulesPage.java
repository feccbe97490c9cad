package dev.macaque.dashboard.schedules;

import dev.macaque.chaosmonkey.Decision;
import dev.macaque.chaosmonkey.ScheduleService;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Frame;
import dev.macaque.text.Durations;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.ScheduleWindow;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Schedules: each one's window on a two-week calendar in the window's own time zone (holidays marked), its planned
 * kills, and its latest decisions (killed, skipped and why), from {@link ScheduleService} as the API serves them.
 */
public final class SchedulesPage {
    static final int CALENDAR_DAYS = 14;
    static final int UPCOMING = 10;

    /** @param kills planned kills that day, as {@code HH:mm group} in the window's zone */
    public record CalendarDay(LocalDate date, String weekday, boolean today, boolean working, boolean holiday, String window,
            List<String> kills) {
    }

    /** @param problem why the stored definition could not be read (then nothing else is shown for it) */
    public record ScheduleCard(ScheduleService.ScheduleView schedule, String zone, String window, String weekdays, List<LocalDate> holidays,
            String meanTimeBetweenKills, String minTimeBetweenKills, List<CalendarDay> calendar, List<ScheduleService.PlannedKillView> upcoming,
            List<String> eligibleGroups, List<Decision> decisions, String problem) {
    }

    public record SchedulesView(List<ScheduleCard> schedules) {
    }

    private final DashboardPages pages;
    private final ScheduleService schedules;
    private final Clock clock;

    public SchedulesPage(DashboardPages pages, ScheduleService schedules, Clock clock) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.schedules = Objects.requireNonNull(schedules, "schedules is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    public void show(Context ctx) {
        List<ScheduleCard> cards = schedules.list().stream().map(this::card).toList();
        pages.render(ctx, "schedules.jte", "Schedules", Frame.Section.SCHEDULES, new SchedulesView(cards));
    }

    private ScheduleCard card(ScheduleService.ScheduleView view) {
        KillSchedule schedule;
        try {
            schedule = schedules.parse(view.definition());
        } catch (SpecValidationException e) {
            return new ScheduleCard(view, null, null, null, List.of(), null, null, List.of(), List.of(), List.of(), List.of(),
                    "the stored definition is not valid any more: " + e.getMessage());
        }
        ScheduleWindow window = schedule.window();
        ScheduleService.Upcoming upcoming = schedules.upcoming(view.id(), UPCOMING).orElse(null);
        List<ScheduleService.PlannedKillView> planned = upcoming == null ? List.of() : upcoming.upcoming();
        String hours = window.from() + "–" + window.to();
        LocalDate today = ZonedDateTime.now(clock).withZoneSameInstant(window.zone()).toLocalDate();
        List<CalendarDay> days = new ArrayList<>();
        for (int i = 0; i < CALENDAR_DAYS; i++) {
            LocalDate day = today.plusDays(i);
            boolean holiday = window.holidays().contains(day);
            boolean working = window.isWorkingDay(day);
            List<String> kills = planned.stream().filter(k -> k.day().equals(day))
                    .map(k -> k.plannedAt().atZone(window.zone()).toLocalTime().withNano(0).withSecond(0) + " " + k.group()).toList();
            days.add(new CalendarDay(day, day.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH), i == 0, working, holiday,
                    working ? hours : holiday ? "holiday" : "no window", kills));
        }
        String weekdays = String.join(", ", window.weekdays().stream().sorted().map(DayOfWeek::name).map(d -> d.substring(0, 3)).toList());
        return new ScheduleCard(view, window.zone().getId(), hours, weekdays, window.holidays().stream().sorted().toList(),
                Durations.format(schedule.meanTimeBetweenKills()), Durations.format(schedule.minTimeBetweenKills()), days, planned,
                upcoming == null ? List.of() : upcoming.eligibleGroups().stream().map(Object::toString).toList(),
                upcoming == null ? List.of() : upcoming.recentDecisions(), null);
    }
}
