package dev.macaque.dashboard.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.engine.FieldError;
import io.javalin.http.Context;
import static dev.macaque.dashboard.FormFields.list;
import static dev.macaque.dashboard.FormFields.putList;
import static dev.macaque.dashboard.FormFields.putText;
import static dev.macaque.dashboard.FormFields.text;
import static dev.macaque.dashboard.FormFields.split;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The New-experiment form's fields, and their translation to and from the experiment spec JSON that
 * {@code POST /api/v1/experiments} takes. The form only writes the JSON; the engine's own parser validates it, and
 * each {@link FieldError} is shown at the form field its path names.
 */
public record SpecForm(String name, String providers, String regions, String groups, String tags, String mode, String value,
        String minHealthyPercent, String minHealthyInstances, String maxTerminations, String minTimeBetweenKills, String timeout,
        String pollInterval, boolean dryRun, String seed) {

    /** The selection mode whose Value field is a zone name. */
    static final String ZONE_MODE = "zone";

    /** A blank spec: kill one instance, as a dry run. */
    public static SpecForm blank() {
        return new SpecForm("", "", "", "", "", "count", "1", "", "", "", "", "", "", true, "");
    }

    /** A blank spec aimed at one group, {@code provider/region/name} (a group page's "New experiment on this group"). */
    public static java.util.Optional<SpecForm> targeting(String groupId) {
        String[] parts = groupId.split("/", -1);
        if (parts.length != 3 || java.util.Arrays.stream(parts).anyMatch(p -> p.isBlank() || p.contains(","))) {
            return java.util.Optional.empty();
        }
        SpecForm blank = blank();
        return java.util.Optional.of(new SpecForm(blank.name, parts[0], parts[1], parts[2], blank.tags, blank.mode, blank.value,
                blank.minHealthyPercent, blank.minHealthyInstances, blank.maxTerminations, blank.minTimeBetweenKills, blank.timeout,
                blank.pollInterval, blank.dryRun, blank.seed));
    }

    /** The same fields with {@code seed}. */
    public SpecForm withSeed(String seed) {
        return new SpecForm(name, providers, regions, groups, tags, mode, value, minHealthyPercent, minHealthyInstances, maxTerminations,
                minTimeBetweenKills, timeout, pollInterval, dryRun, seed);
    }

    /** The fields as posted; an unchecked box is absent from a form post, so {@code dryRun} is true only when sent. */
    public static SpecForm from(Context ctx) {
        return new SpecForm(text(ctx, "name"), text(ctx, "providers"), text(ctx, "regions"), text(ctx, "groups"), text(ctx, "tags"),
                text(ctx, "mode"), text(ctx, "value"), text(ctx, "minHealthyPercent"), text(ctx, "minHealthyInstances"),
                text(ctx, "maxTerminations"), text(ctx, "minTimeBetweenKills"), text(ctx, "timeout"), text(ctx, "pollInterval"),
                ctx.formParam("dryRun") != null, text(ctx, "seed"));
    }

    /**
     * The spec these fields describe. Empty fields are left out (the engine's defaults apply); a number field that is
     * not a number is passed on as text, so that the parser reports it at its field.
     */
    public ObjectNode toJson(ObjectMapper json) {
        ObjectNode spec = json.createObjectNode();
        putText(spec, "name", name);
        ObjectNode targets = json.createObjectNode();
        putList(targets, "providers", providers);
        putList(targets, "regions", regions);
        putList(targets, "groups", groups);
        if (!tags.isBlank()) {
            ObjectNode tagNode = targets.putObject("tags");
            for (String pair : split(tags)) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    tagNode.put(pair, "");
                } else {
                    tagNode.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        if (!targets.isEmpty()) {
            spec.set("targets", targets);
        }
        ObjectNode selection = json.createObjectNode();
        putText(selection, "mode", mode);
        if (ZONE_MODE.equals(mode.trim())) {
            putText(selection, "zone", value); // a zone outage takes a zone name (or "random"), not a number
        } else {
            putNumber(selection, "value", value);
        }
        if (!selection.isEmpty()) {
            spec.set("selection", selection);
        }
        ObjectNode guardrails = json.createObjectNode();
        putNumber(guardrails, "minHealthyPercent", minHealthyPercent);
        putNumber(guardrails, "minHealthyInstances", minHealthyInstances);
        putNumber(guardrails, "maxTerminations", maxTerminations);
        putText(guardrails, "minTimeBetweenKills", minTimeBetweenKills);
        if (!guardrails.isEmpty()) {
            spec.set("guardrails", guardrails);
        }
        ObjectNode recovery = json.createObjectNode();
        putText(recovery, "timeout", timeout);
        putText(recovery, "pollInterval", pollInterval);
        if (!recovery.isEmpty()) {
            spec.set("recovery", recovery);
        }
        spec.put("dryRun", dryRun);
        putNumber(spec, "seed", seed);
        return spec;
    }

    /** The form for a spec written as JSON; what the form has no field for stays in the JSON only, and is named. */
    public static Conversion fromJson(JsonNode spec) {
        List<String> left = new ArrayList<>();
        if (spec == null || !spec.isObject()) {
            return new Conversion(blank(), List.of("the JSON is not an object"));
        }
        for (Iterator<String> it = spec.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of("name", "targets", "selection", "guardrails", "recovery", "dryRun", "seed").contains(field)) {
                left.add(field);
            }
        }
        JsonNode targets = spec.path("targets");
        StringBuilder tagText = new StringBuilder();
        targets.path("tags").fields().forEachRemaining(e -> tagText.append(tagText.isEmpty() ? "" : ", ").append(e.getKey()).append('=')
                .append(e.getValue().asText()));
        SpecForm form = new SpecForm(text(spec.path("name")), list(targets.path("providers")), list(targets.path("regions")),
                list(targets.path("groups")), tagText.toString(), text(spec.path("selection").path("mode")),
                text(spec.path("selection").path(ZONE_MODE.equals(spec.path("selection").path("mode").asText()) ? "zone" : "value")),
                text(spec.path("guardrails").path("minHealthyPercent")),
                text(spec.path("guardrails").path("minHealthyInstances")), text(spec.path("guardrails").path("maxTerminations")),
                text(spec.path("guardrails").path("minTimeBetweenKills")), text(spec.path("recovery").path("timeout")),
                text(spec.path("recovery").path("pollInterval")), !spec.has("dryRun") || spec.path("dryRun").asBoolean(true),
                text(spec.path("seed")));
        return new Conversion(form, left);
    }

    /** A form made from JSON, and the top-level fields it could not show. */
    public record Conversion(SpecForm form, List<String> notInForm) {
    }

    /** The form field an error's path belongs to; {@code ""} for errors about the spec as a whole. */
    public static String fieldOf(FieldError error) {
        String path = error.path();
        return FIELD_BY_PATH.entrySet().stream().filter(e -> path.equals(e.getKey()) || path.startsWith(e.getKey() + "."))
                .map(Map.Entry::getValue).findFirst().orElse(path.equals("selection") ? "mode" : "");
    }

    private static final Map<String, String> FIELD_BY_PATH = new LinkedHashMap<>();

    static {
        FIELD_BY_PATH.put("name", "name");
        FIELD_BY_PATH.put("targets.providers", "providers");
        FIELD_BY_PATH.put("targets.regions", "regions");
        FIELD_BY_PATH.put("targets.groups", "groups");
        FIELD_BY_PATH.put("targets.tags", "tags");
        FIELD_BY_PATH.put("selection.mode", "mode");
        FIELD_BY_PATH.put("selection.value", "value");
        FIELD_BY_PATH.put("selection.zone", "value");
        FIELD_BY_PATH.put("guardrails.minHealthyPercent", "minHealthyPercent");
        FIELD_BY_PATH.put("guardrails.minHealthyInstances", "minHealthyInstances");
        FIELD_BY_PATH.put("guardrails.maxTerminations", "maxTerminations");
        FIELD_BY_PATH.put("guardrails.minTimeBetweenKills", "minTimeBetweenKills");
        FIELD_BY_PATH.put("recovery.timeout", "timeout");
        FIELD_BY_PATH.put("recovery.pollInterval", "pollInterval");
        FIELD_BY_PATH.put("dryRun", "dryRun");
        FIELD_BY_PATH.put("seed", "seed");
    }

    private static void putNumber(ObjectNode node, String field, String value) {
        if (value.isBlank()) {
            return;
        }
        try {
            if (value.matches("-?\\d{1,18}")) {
                node.put(field, Long.parseLong(value));
            } else {
                node.put(field, new java.math.BigDecimal(value));
            }
        } catch (NumberFormatException e) {
            node.put(field, value);
        }
    }
}
