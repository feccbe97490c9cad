package dev.macaque.dashboard.schedules;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.auth.Access;
import dev.macaque.chaosmonkey.Decision;
import dev.macaque.dashboard.Format;
import dev.macaque.http.ProblemException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
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
 * Operators create, edit, enable and disable schedules here through the same service and validation as the API.
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

    /**
     * The form to create a schedule ({@code id} null) or edit one.
     *
     * @param fieldErrors by form field ({@code ""}: about the definition as a whole)
     */
    public record ScheduleFormView(String id, ScheduleForm form, Map<String, List<String>> fieldErrors) {
        public List<String> errorsOf(String field) {
            return fieldErrors.getOrDefault(field, List.of());
        }

        public boolean hasErrors() {
            return !fieldErrors.isEmpty();
        }

        public String action() {
            return id == null ? "/schedules/new" : "/schedules/" + Format.path(id) + "/edit";
        }
    }

    private final DashboardPages pages;
    private final ScheduleService schedules;
    private final Clock clock;
    private final ObjectMapper json;

    public SchedulesPage(DashboardPages pages, ScheduleService schedules, Clock clock, ObjectMapper json) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.schedules = Objects.requireNonNull(schedules, "schedules is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    public void newForm(Context ctx) {
        renderForm(ctx, 200, null, ScheduleForm.blank(), Map.of());
    }

    public void editForm(Context ctx) {
        ScheduleService.ScheduleView schedule = find(ctx.pathParam("id"));
        renderForm(ctx, 200, schedule.id(), ScheduleForm.of(schedule.definition(), json), Map.of());
    }

    /** Creates a schedule from the form, through the API's service and validation. */
    public void create(Context ctx) {
        save(ctx, null);
    }

    /** Replaces a schedule's definition with the form's, through the API's service and validation. */
    public void update(Context ctx) {
        save(ctx, find(ctx.pathParam("id")).id());
    }

    public void enable(Context ctx) {
        setEnabled(ctx, true);
    }

    public void disable(Context ctx) {
        setEnabled(ctx, false);
    }

    private void setEnabled(Context ctx, boolean enabled) {
        ScheduleService.ScheduleView schedule = find(ctx.pathParam("id"));
        ObjectNode definition = ((ObjectNode) schedule.definition()).deepCopy();
        definition.put("enabled", enabled);
        ScheduleService.Change change = schedules.update(schedule.id(), definition, Access.principal(ctx), ctx.ip());
        if (change instanceof ScheduleService.Change.ReadOnly readOnly) {
            throw new ProblemException(409, "schedule '" + readOnly.name() + "' comes from the configuration file; change it there");
        }
        DashboardPages.redirect(ctx, "/schedules", enabled ? "schedule-enabled" : "schedule-disabled");
    }

    private void save(Context ctx, String id) {
        ScheduleForm form = ScheduleForm.from(ctx);
        List<String> notJson = new ArrayList<>();
        Optional<ObjectNode> definition = form.toJson(json, notJson);
        if (definition.isEmpty()) {
            renderForm(ctx, 400, id, form, Map.of("experiment", notJson));
            return;
        }
        ScheduleService.Change change;
        try {
            change = id == null ? schedules.create(definition.get(), Access.principal(ctx), ctx.ip())
                    : schedules.update(id, definition.get(), Access.principal(ctx), ctx.ip());
        } catch (SpecValidationException invalid) {
            Map<String, List<String>> byField = new LinkedHashMap<>();
            invalid.errors().forEach(e -> byField.computeIfAbsent(ScheduleForm.fieldOf(e), f -> new ArrayList<>()).add(e.toString()));
            renderForm(ctx, 400, id, form, byField);
            return;
        }
        if (change instanceof ScheduleService.Change.Done) {
            DashboardPages.redirect(ctx, "/schedules", id == null ? "schedule-created" : "schedule-saved");
        } else if (change instanceof ScheduleService.Change.NameTaken taken) {
            renderForm(ctx, 409, id, form, Map.of("name", List.of("name: a schedule named '" + taken.name() + "' already exists")));
        } else if (change instanceof ScheduleService.Change.ReadOnly readOnly) {
            renderForm(ctx, 409, id, form, Map.of("", List.of("Schedule '" + readOnly.name()
                    + "' comes from the configuration file: change it there (it is re-read at start).")));
        } else {
            throw new ProblemException(404, "no schedule with id '" + id + "'");
        }
    }

    private ScheduleService.ScheduleView find(String id) {
        return schedules.find(id).orElseThrow(() -> new ProblemException(404, "no schedule with id '" + id + "'"));
    }

    private void renderForm(Context ctx, int status, String id, ScheduleForm form, Map<String, List<String>> errors) {
        pages.render(ctx, status, "schedule-form.jte", pages.frame(ctx, id == null ? "New schedule" : "Edit schedule",
                Frame.Section.SCHEDULES), new ScheduleFormView(id, form, errors));
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
