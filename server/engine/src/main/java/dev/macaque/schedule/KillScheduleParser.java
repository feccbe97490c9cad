package dev.macaque.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.macaque.text.Durations;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a {@link KillSchedule} from JSON or YAML and reports every error at once ({@link SpecValidationException}).
 *
 * <pre>{@code
 * name: weekday-chaos
 * enabled: true                    # default true
 * experiment:                      # an experiment spec; its name defaults to the schedule's, its selection is unused
 *   targets: {tags: {team: payments}}
 *   guardrails: {minHealthyPercent: 75}
 * meanTimeBetweenKills: 5d         # required; counted in working days
 * minTimeBetweenKills: 1d          # default 0s
 * window:
 *   weekdays: [MON, TUE, WED, THU, FRI]   # default Monday to Friday
 *   from: "09:00"                  # default 09:00
 *   to: "17:00"                    # default 17:00
 *   zone: Europe/Paris             # IANA zone, default UTC
 *   holidays: [2026-12-25]
 * }</pre>
 */
public final class KillScheduleParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Set<String> FIELDS = Set.of("name", "enabled", "experiment", "meanTimeBetweenKills",
            "minTimeBetweenKills", "window");
    private static final Set<String> WINDOW_FIELDS = Set.of("weekdays", "from", "to", "zone", "holidays");

    private final ExperimentSpecParser experiments = new ExperimentSpecParser();

    /** Parses JSON or YAML: a document whose first non-blank character is <code>{</code> is read as JSON. */
    public KillSchedule parse(String text) {
        boolean json = text.stripLeading().startsWith("{");
        try {
            JsonNode node = (json ? JSON : YAML).readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new SpecValidationException(List.of(new FieldError("", "the document is empty")));
            }
            return parse(node);
        } catch (JsonProcessingException e) {
            throw new SpecValidationException(List.of(new FieldError("",
                    "is not valid " + (json ? "JSON" : "YAML") + ": " + e.getOriginalMessage())));
        }
    }

    public KillSchedule parse(JsonNode root) {
        List<FieldError> errors = new ArrayList<>();
        if (!root.isObject()) {
            throw new SpecValidationException(List.of(new FieldError("", "the schedule must be an object")));
        }
        root.fieldNames().forEachRemaining(field -> {
            if (!FIELDS.contains(field)) {
                errors.add(new FieldError(field, "is not a known field (known: " + String.join(", ", new TreeSet<>(FIELDS)) + ")"));
            }
        });
        String name = null;
        JsonNode nameNode = root.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            errors.add(new FieldError("name", "is required and must be a non-blank string"));
        } else {
            name = nameNode.asText();
        }
        boolean enabled = true;
        JsonNode enabledNode = root.get("enabled");
        if (enabledNode != null && !enabledNode.isNull()) {
            if (enabledNode.isBoolean()) {
                enabled = enabledNode.booleanValue();
            } else {
                errors.add(new FieldError("enabled", "must be true or false, was " + enabledNode));
            }
        }
        ExperimentSpec experiment = experiment(root.get("experiment"), name, errors);
        Duration mean = duration(root.get("meanTimeBetweenKills"), "meanTimeBetweenKills", null, true, errors);
        Duration min = duration(root.get("minTimeBetweenKills"), "minTimeBetweenKills", Duration.ZERO, false, errors);
        ScheduleWindow window = window(root.get("window"), errors);
        if (!errors.isEmpty()) {
            throw new SpecValidationException(errors);
        }
        return new KillSchedule(name, experiment, mean, min, window, enabled);
    }

    private ExperimentSpec experiment(JsonNode node, String scheduleName, List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError("experiment", "is required and must be an object (an experiment spec)"));
            return null;
        }
        ObjectNode copy = node.deepCopy();
        if (!copy.has("name") && scheduleName != null) {
            copy.put("name", scheduleName);
        }
        if (!copy.has("selection")) {
            // Scheduled kills take one instance of one group; the selection is fixed, so it may be left out.
            copy.putObject("selection").put("mode", "count").put("value", 1);
        }
        try {
            return experiments.parse(copy);
        } catch (SpecValidationException e) {
            for (FieldError error : e.errors()) {
                errors.add(new FieldError(error.path().isEmpty() ? "experiment" : "experiment." + error.path(), error.message()));
            }
            return null;
        }
    }

    private static Duration duration(JsonNode node, String path, Duration fallback, boolean positive, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            if (fallback == null) {
                errors.add(new FieldError(path, "is required, e.g. 5d"));
            }
            return fallback;
        }
        try {
            Duration value = Durations.parse(node.asText());
            if (positive && value.isZero()) {
                errors.add(new FieldError(path, "must be > 0, was " + node.asText()));
                return fallback;
            }
            return value;
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError(path, e.getMessage()));
            return fallback;
        }
    }

    private static ScheduleWindow window(JsonNode node, List<FieldError> errors) {
        Set<DayOfWeek> weekdays = ScheduleWindow.MONDAY_TO_FRIDAY;
        LocalTime from = ScheduleWindow.DEFAULT_FROM;
        LocalTime to = ScheduleWindow.DEFAULT_TO;
        ZoneId zone = ZoneOffset.UTC;
        Set<LocalDate> holidays = new TreeSet<>();
        if (node == null || node.isNull()) {
            return new ScheduleWindow(weekdays, from, to, zone, holidays);
        }
        if (!node.isObject()) {
            errors.add(new FieldError("window", "must be an object"));
            return null;
        }
        int before = errors.size();
        node.fieldNames().forEachRemaining(field -> {
            if (!WINDOW_FIELDS.contains(field)) {
                errors.add(new FieldError("window." + field, "is not a known field (known: "
                        + String.join(", ", new TreeSet<>(WINDOW_FIELDS)) + ")"));
            }
        });
        JsonNode days = node.get("weekdays");
        if (days != null && !days.isNull()) {
            if (!days.isArray() || days.isEmpty()) {
                errors.add(new FieldError("window.weekdays", "must be a non-empty list such as [MON, TUE, WED]"));
            } else {
                EnumSet<DayOfWeek> parsed = EnumSet.noneOf(DayOfWeek.class);
                for (int i = 0; i < days.size(); i++) {
                    DayOfWeek day = dayOfWeek(days.get(i).asText());
                    if (day == null) {
                        errors.add(new FieldError("window.weekdays[" + i + "]", "'" + days.get(i).asText()
                                + "' is not a weekday (MON..SUN or MONDAY..SUNDAY)"));
                    } else {
                        parsed.add(day);
                    }
                }
                weekdays = parsed;
            }
        }
        from = time(node.get("from"), "window.from", from, errors);
        to = time(node.get("to"), "window.to", to, errors);
        JsonNode zoneNode = node.get("zone");
        if (zoneNode != null && !zoneNode.isNull()) {
            try {
                zone = ZoneId.of(zoneNode.asText());
            } catch (DateTimeException e) {
                errors.add(new FieldError("window.zone", "'" + zoneNode.asText() + "' is not an IANA time zone, e.g. Europe/Paris"));
            }
        }
        JsonNode holidayNode = node.get("holidays");
        if (holidayNode != null && !holidayNode.isNull()) {
            if (!holidayNode.isArray()) {
                errors.add(new FieldError("window.holidays", "must be a list of dates such as [2026-12-25]"));
            } else {
                for (int i = 0; i < holidayNode.size(); i++) {
                    try {
                        holidays.add(LocalDate.parse(holidayNode.get(i).asText()));
                    } catch (DateTimeException e) {
                        errors.add(new FieldError("window.holidays[" + i + "]", "'" + holidayNode.get(i).asText()
                                + "' is not a date (YYYY-MM-DD)"));
                    }
                }
            }
        }
        if (errors.size() == before && !from.isBefore(to)) {
            errors.add(new FieldError("window", "from " + from + " must be before to " + to + " (windows do not cross midnight)"));
        }
        return errors.size() == before ? new ScheduleWindow(weekdays, from, to, zone, holidays) : null;
    }

    private static DayOfWeek dayOfWeek(String text) {
        String upper = text.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().equals(upper) || day.name().substring(0, 3).equals(upper)) {
                return day;
            }
        }
        return null;
    }

    private static LocalTime time(JsonNode node, String path, LocalTime fallback, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isInt() && node.intValue() >= 0 && node.intValue() <= 23) {
            return LocalTime.of(node.intValue(), 0);
        }
        try {
            return LocalTime.parse(node.asText());
        } catch (DateTimeException e) {
            errors.add(new FieldError(path, "'" + node.asText() + "' is not a time of day (HH:MM or an hour 0-23)"));
            return fallback;
        }
    }
}
