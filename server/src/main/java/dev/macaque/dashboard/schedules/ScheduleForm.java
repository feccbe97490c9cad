package dev.macaque.dashboard.schedules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.engine.FieldError;
import io.javalin.http.Context;
import static dev.macaque.dashboard.FormFields.list;
import static dev.macaque.dashboard.FormFields.putList;
import static dev.macaque.dashboard.FormFields.putText;
import static dev.macaque.dashboard.FormFields.text;
import java.util.List;
import java.util.Optional;

/**
 * The Schedules page's form: a schedule definition ({@code POST /api/v1/schedules}'s body) as fields, with the
 * experiment it runs as JSON. The form only writes the definition; the API's own parser ({@code ScheduleService})
 * validates it, and each {@link FieldError} is shown at the field its path names.
 */
public record ScheduleForm(String name, boolean enabled, String experiment, String meanTimeBetweenKills, String minTimeBetweenKills,
        String weekdays, String from, String to, String zone, String holidays) {

    /** A new schedule: enabled, its experiment a dry run on no group yet, the parser's defaults for the rest. */
    public static ScheduleForm blank() {
        return new ScheduleForm("", true, "{\n  \"targets\": {\"groups\": []},\n  \"dryRun\": true\n}", "", "", "MON, TUE, WED, THU, FRI",
                "09:00", "17:00", "UTC", "");
    }

    /** The fields as posted; an unchecked box is absent from a form post. */
    public static ScheduleForm from(Context ctx) {
        return new ScheduleForm(text(ctx, "name"), ctx.formParam("enabled") != null, text(ctx, "experiment"),
                text(ctx, "meanTimeBetweenKills"), text(ctx, "minTimeBetweenKills"), text(ctx, "weekdays"), text(ctx, "from"),
                text(ctx, "to"), text(ctx, "zone"), text(ctx, "holidays"));
    }

    /** The fields of a stored definition. */
    public static ScheduleForm of(JsonNode definition, ObjectMapper json) {
        JsonNode window = definition.path("window");
        String experiment;
        try {
            experiment = definition.has("experiment")
                    ? json.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(definition.get("experiment")) : "";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new ScheduleForm(definition.path("name").asText(""), definition.path("enabled").asBoolean(true), experiment,
                definition.path("meanTimeBetweenKills").asText(""), definition.path("minTimeBetweenKills").asText(""),
                list(window.path("weekdays")), window.path("from").asText(""), window.path("to").asText(""),
                window.path("zone").asText(""), list(window.path("holidays")));
    }

    /**
     * The definition these fields describe; empty fields are left out (the parser's defaults apply). Empty when the
     * experiment is not JSON: {@code experimentError} says why.
     */
    public Optional<ObjectNode> toJson(ObjectMapper json, List<String> experimentError) {
        ObjectNode definition = json.createObjectNode();
        putText(definition, "name", name);
        definition.put("enabled", enabled);
        if (!experiment.isBlank()) {
            try {
                definition.set("experiment", json.readTree(experiment));
            } catch (JsonProcessingException e) {
                experimentError.add("experiment: not valid JSON: " + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr()
                        + ", column " + e.getLocation().getColumnNr() + ")");
                return Optional.empty();
            }
        }
        putText(definition, "meanTimeBetweenKills", meanTimeBetweenKills);
        putText(definition, "minTimeBetweenKills", minTimeBetweenKills);
        ObjectNode window = json.createObjectNode();
        putList(window, "weekdays", weekdays);
        putText(window, "from", from);
        putText(window, "to", to);
        putText(window, "zone", zone);
        putList(window, "holidays", holidays);
        if (!window.isEmpty()) {
            definition.set("window", window);
        }
        return Optional.of(definition);
    }

    /** The form field an error's path belongs to; {@code ""} for errors about the definition as a whole. */
    public static String fieldOf(FieldError error) {
        String path = error.path();
        String top = path.contains(".") ? path.substring(0, path.indexOf('.')) : path.replaceAll("\\[.*", "");
        if (top.equals("window")) {
            String rest = path.substring("window".length()).replaceFirst("^\\.", "").replaceAll("[.\\[].*", "");
            return List.of("weekdays", "from", "to", "zone", "holidays").contains(rest) ? rest : "";
        }
        return List.of("name", "enabled", "experiment", "meanTimeBetweenKills", "minTimeBetweenKills").contains(top) ? top : "";
    }
}
