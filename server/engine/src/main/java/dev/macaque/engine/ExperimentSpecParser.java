package dev.macaque.engine;

import dev.macaque.text.Suggestions;
import dev.macaque.text.Durations;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Recovery;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.SelectionMode;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.probe.ProbeParser;
import dev.macaque.engine.probe.SteadyState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads an {@link ExperimentSpec} from JSON or YAML (the same shape for the HTTP API and scenario files), checks
 * every field, and reports all errors at once as a {@link SpecValidationException}. Unknown fields are errors.
 *
 * <pre>{@code
 * { "name": "kill-one-api",
 *   "targets":    {"providers": ["sim"], "regions": ["us-east-1"], "groups": ["api"], "tags": {"team": "payments"}},
 *   "selection":  {"mode": "count", "value": 1},
 *   "guardrails": {"minHealthyPercent": 50, "minHealthyInstances": 1, "maxTerminations": 5, "minTimeBetweenKills": "1h"},
 *   "recovery":   {"timeout": "10m", "pollInterval": "15s"},
 *   "dryRun": false,
 *   "seed": 1234 }
 * }</pre>
 *
 * Required: {@code name}, {@code selection.mode}, {@code selection.value}. Defaults: see {@link Guardrails} and
 * {@link Recovery}; {@code targets} any opted-in group; {@code dryRun} false; {@code seed} drawn by the runner.
 * Thread-safe.
 */
public final class ExperimentSpecParser {
    /** 2^53 - 1: the largest integer every JSON tool (jq, JavaScript) reads back exactly. */
    public static final long MAX_EXACT_JSON_INTEGER = (1L << 53) - 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static boolean fitsInLong(String decimal) {
        try {
            Long.parseLong(decimal);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
    private static final ObjectMapper YAML = new YAMLMapper();

    /** Parses JSON or YAML: a document whose first non-blank character is <code>{</code> is read as JSON. */
    public ExperimentSpec parse(String text) {
        String trimmed = text.stripLeading();
        return trimmed.startsWith("{") ? parseJson(text) : parseYaml(text);
    }

    public ExperimentSpec parseJson(String json) {
        return parse(readTree(JSON, json, "JSON"));
    }

    public ExperimentSpec parseYaml(String yaml) {
        return parse(readTree(YAML, yaml, "YAML"));
    }

    private static JsonNode readTree(ObjectMapper mapper, String text, String format) {
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new SpecValidationException(List.of(new FieldError("", "the document is empty")));
            }
            return node;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new SpecValidationException(List.of(new FieldError("",
                    "is not valid " + format + where + ": " + e.getOriginalMessage())));
        }
    }

    /** Validates an already parsed tree (e.g. a part of a larger scenario file). */
    public ExperimentSpec parse(JsonNode root) {
        Errors errors = new Errors();
        if (!root.isObject()) {
            errors.add("", "the experiment must be an object, was " + describe(root));
            throw new SpecValidationException(errors.list);
        }
        errors.unknownFields(root, "", Set.of("name", "targets", "selection", "guardrails", "recovery", "dryRun", "seed",
                "concurrency", "steadyState", "pacing"));

        String name = null;
        JsonNode nameNode = root.get("name");
        if (nameNode == null || nameNode.isNull()) {
            errors.add("name", "is required");
        } else if (!nameNode.isTextual() || nameNode.asText().isBlank()) {
            errors.add("name", "must be a non-blank string, was " + describe(nameNode));
        } else {
            name = nameNode.asText();
        }

        Targets targets = targets(root.get("targets"), errors);
        Selection selection = selection(root.get("selection"), errors);
        Guardrails guardrails = guardrails(root.get("guardrails"), errors);
        Recovery recovery = recovery(root.get("recovery"), errors);

        boolean dryRun = false;
        JsonNode dryRunNode = root.get("dryRun");
        if (dryRunNode != null && !dryRunNode.isNull()) {
            if (dryRunNode.isBoolean()) {
                dryRun = dryRunNode.booleanValue();
            } else {
                errors.add("dryRun", "must be true or false, was " + describe(dryRunNode));
            }
        }

        Long seed = null;
        JsonNode seedNode = root.get("seed");
        if (seedNode != null && !seedNode.isNull()) {
            if (seedNode.isIntegralNumber() && seedNode.canConvertToLong()
                    && seedNode.longValue() >= -MAX_EXACT_JSON_INTEGER && seedNode.longValue() <= MAX_EXACT_JSON_INTEGER) {
                seed = seedNode.longValue();
            } else if (seedNode.isIntegralNumber()) {
                // JSON tools (jq, JavaScript) round numbers beyond 2^53: the seed read back would pick other victims.
                errors.add("seed", "a JSON number seed must be within +/-" + MAX_EXACT_JSON_INTEGER + " (2^53-1), which JSON "
                        + "tools keep exactly; give a larger 64-bit seed as a decimal string, e.g. \"" + seedNode.asText() + "\"");
            } else if (seedNode.isTextual() && seedNode.asText().matches("-?[0-9]{1,19}")
                    && fitsInLong(seedNode.asText())) {
                seed = Long.parseLong(seedNode.asText());
            } else {
                errors.add("seed", "must be a whole number that fits in 64 bits, was " + describe(seedNode));
            }
        }

        ExperimentSpec.Concurrency concurrency = ExperimentSpec.Concurrency.EXCLUSIVE;
        JsonNode concurrencyNode = root.get("concurrency");
        if (concurrencyNode != null && !concurrencyNode.isNull()) {
            if (concurrencyNode.isTextual() && concurrencyNode.asText().equals("shared")) {
                concurrency = ExperimentSpec.Concurrency.SHARED;
            } else if (!(concurrencyNode.isTextual() && concurrencyNode.asText().equals("exclusive"))) {
                errors.add("concurrency", "must be 'exclusive' (the default: no other run acts on the same groups meanwhile) or "
                        + "'shared', was " + describe(concurrencyNode));
            }
        }

        ProbeParser probes = new ProbeParser(errors::add);
        SteadyState steadyState = probes.steadyState(root.get("steadyState"), "steadyState");
        Duration pacing = probes.pacing(root.get("pacing"), "pacing");

        if (!errors.list.isEmpty()) {
            throw new SpecValidationException(errors.list);
        }
        return new ExperimentSpec(name, targets, selection, guardrails, recovery, dryRun, seed, concurrency, steadyState,
                pacing);
    }

    private static Targets targets(JsonNode node, Errors errors) {
        if (node == null || node.isNull()) {
            return Targets.ANY;
        }
        if (!node.isObject()) {
            errors.add("targets", "must be an object, was " + describe(node));
            return Targets.ANY;
        }
        errors.unknownFields(node, "targets", Set.of("providers", "regions", "groups", "tags", "scope"));
        Set<String> providers = stringSet(node.get("providers"), "targets.providers", errors);
        Set<String> regions = stringSet(node.get("regions"), "targets.regions", errors);
        Set<String> groups = stringSet(node.get("groups"), "targets.groups", errors);
        Map<String, String> tags = tagMap(node.get("tags"), "targets.tags", errors);
        Map<String, String> scope = tagMap(node.get("scope"), "targets.scope", errors);
        return new Targets(providers, regions, groups, tags, scope);
    }

    /** An object of tag names to values ({@code targets.tags}, {@code targets.scope}). */
    private static Map<String, String> tagMap(JsonNode tagsNode, String path, Errors errors) {
        Map<String, String> tags = new TreeMap<>();
        if (tagsNode != null && !tagsNode.isNull()) {
            if (!tagsNode.isObject()) {
                errors.add(path, "must be an object of tag names to values, was " + describe(tagsNode));
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = tagsNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> tag = it.next();
                    if (tag.getKey().isBlank()) {
                        errors.add(path, "has a blank tag name");
                    } else if (!tag.getValue().isTextual() && !tag.getValue().isNumber() && !tag.getValue().isBoolean()) {
                        errors.add(path + "." + tag.getKey(), "must be a string, was " + describe(tag.getValue()));
                    } else {
                        tags.put(tag.getKey(), tag.getValue().asText());
                    }
                }
            }
        }
        return tags;
    }

    private static Set<String> stringSet(JsonNode node, String path, Errors errors) {
        Set<String> values = new TreeSet<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isArray()) {
            errors.add(path, "must be a list of strings, was " + describe(node));
            return values;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isTextual() || element.asText().isBlank()) {
                errors.add(path + "[" + i + "]", "must be a non-blank string, was " + describe(element));
            } else {
                values.add(element.asText());
            }
        }
        return values;
    }

    private static Selection selection(JsonNode node, Errors errors) {
        if (node == null || node.isNull()) {
            errors.add("selection", "is required, e.g. {\"mode\": \"count\", \"value\": 1}");
            return null;
        }
        if (!node.isObject()) {
            errors.add("selection", "must be an object, was " + describe(node));
            return null;
        }
        errors.unknownFields(node, "selection", Set.of("mode", "value", "zone"));
        SelectionMode mode = null;
        JsonNode modeNode = node.get("mode");
        if (modeNode == null || modeNode.isNull()) {
            errors.add("selection.mode", "is required (count, percent, perGroup or zone)");
        } else {
            for (SelectionMode candidate : SelectionMode.values()) {
                if (candidate.wireName().equals(modeNode.asText())) {
                    mode = candidate;
                }
            }
            if (mode == null) {
                errors.add("selection.mode", "must be count, percent, perGroup or zone, was " + describe(modeNode));
            }
        }
        JsonNode zoneNode = node.get("zone");
        if (mode == SelectionMode.ZONE) {
            if (node.has("value")) {
                errors.add("selection.value", "is not used by mode zone (every member in the zone is a victim); remove it");
            }
            if (zoneNode == null || zoneNode.isNull()) {
                errors.add("selection.zone", "is required for mode zone: a zone name such as us-east-1a, or \"random\"");
                return null;
            }
            if (!zoneNode.isTextual() || zoneNode.asText().isBlank()) {
                errors.add("selection.zone", "must be a non-blank zone name or \"random\", was " + describe(zoneNode));
                return null;
            }
            return node.has("value") ? null : Selection.zone(zoneNode.asText());
        }
        if (zoneNode != null && mode != null) {
            errors.add("selection.zone", "is only for mode zone, not " + mode.wireName());
        }
        JsonNode valueNode = node.get("value");
        if (valueNode == null || valueNode.isNull()) {
            errors.add("selection.value", "is required");
            return null;
        }
        if (!valueNode.isNumber()) {
            errors.add("selection.value", "must be a number, was " + describe(valueNode));
            return null;
        }
        double value = valueNode.doubleValue();
        if (!(value > 0)) {
            errors.add("selection.value", "must be > 0, was " + valueNode.asText());
            return null;
        }
        if (mode == null) {
            return null;
        }
        switch (mode) {
            case COUNT -> {
                if (value != Math.rint(value) || value > Integer.MAX_VALUE) {
                    errors.add("selection.value", "must be a whole number of instances for mode count, was " + valueNode.asText());
                    return null;
                }
            }
            case PERCENT -> {
                if (value > 100) {
                    errors.add("selection.value", "must be <= 100 for mode percent, was " + valueNode.asText());
                    return null;
                }
            }
            case PER_GROUP -> {
                if (value > 1) {
                    errors.add("selection.value", "must be a probability in (0, 1] for mode perGroup, was " + valueNode.asText());
                    return null;
                }
            }
            case ZONE -> throw new IllegalStateException("handled above");
        }
        return new Selection(mode, value);
    }

    private static Guardrails guardrails(JsonNode node, Errors errors) {
        Guardrails defaults = Guardrails.DEFAULTS;
        if (node == null || node.isNull()) {
            return defaults;
        }
        if (!node.isObject()) {
            errors.add("guardrails", "must be an object, was " + describe(node));
            return defaults;
        }
        errors.unknownFields(node, "guardrails",
                Set.of("minHealthyPercent", "minHealthyInstances", "maxTerminations", "minTimeBetweenKills"));
        int minHealthyPercent = intField(node, "minHealthyPercent", "guardrails", 0, 100, defaults.minHealthyPercent(), errors);
        int minHealthyInstances = intField(node, "minHealthyInstances", "guardrails", 0, Integer.MAX_VALUE,
                defaults.minHealthyInstances(), errors);
        int maxTerminations = intField(node, "maxTerminations", "guardrails", 1, Integer.MAX_VALUE,
                defaults.maxTerminations(), errors);
        Duration minTimeBetweenKills = durationField(node, "minTimeBetweenKills", "guardrails", false, MAX_MIN_TIME_BETWEEN_KILLS,
                defaults.minTimeBetweenKills(), errors);
        return new Guardrails(minHealthyPercent, minHealthyInstances, maxTerminations, minTimeBetweenKills);
    }

    private static Recovery recovery(JsonNode node, Errors errors) {
        Recovery defaults = Recovery.DEFAULTS;
        if (node == null || node.isNull()) {
            return defaults;
        }
        if (!node.isObject()) {
            errors.add("recovery", "must be an object, was " + describe(node));
            return defaults;
        }
        errors.unknownFields(node, "recovery", Set.of("timeout", "pollInterval"));
        Duration timeout = durationField(node, "timeout", "recovery", true, MAX_RECOVERY_TIMEOUT, defaults.timeout(), errors);
        Duration pollInterval = durationField(node, "pollInterval", "recovery", true, MAX_POLL_INTERVAL, defaults.pollInterval(), errors);
        return new Recovery(timeout, pollInterval);
    }

    private static int intField(JsonNode parent, String field, String prefix, int min, int max, int fallback, Errors errors) {
        JsonNode node = parent.get(field);
        String path = prefix + "." + field;
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            errors.add(path, "must be a whole number, was " + describe(node));
            return fallback;
        }
        int value = node.intValue();
        if (value < min) {
            errors.add(path, "must be >= " + min + ", was " + value);
            return fallback;
        }
        if (value > max) {
            errors.add(path, "must be <= " + max + ", was " + value);
            return fallback;
        }
        return value;
    }

    /**
     * Upper bounds of a spec's durations: a run holds resources (a lease, live streams, a place in memory) until it
     * ends, so no duration may keep it going for ever.
     */
    public static final Duration MAX_RECOVERY_TIMEOUT = Duration.ofHours(24);
    public static final Duration MAX_POLL_INTERVAL = Duration.ofHours(1);
    public static final Duration MAX_MIN_TIME_BETWEEN_KILLS = Duration.ofDays(365);

    private static Duration durationField(JsonNode parent, String field, String prefix, boolean positive, Duration max,
                                          Duration fallback, Errors errors) {
        JsonNode node = parent.get(field);
        String path = prefix + "." + field;
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            errors.add(path, "must be a duration string such as 90s, 15m or 2h, was " + describe(node));
            return fallback;
        }
        try {
            Duration value = Durations.parse(node.asText());
            if (positive && value.isZero()) {
                errors.add(path, "must be > 0, was " + node.asText());
                return fallback;
            }
            if (value.compareTo(max) > 0) {
                errors.add(path, "must be at most " + Durations.format(max) + ", was " + node.asText());
                return fallback;
            }
            return value;
        } catch (IllegalArgumentException e) {
            errors.add(path, e.getMessage());
            return fallback;
        }
    }

    private static String describe(JsonNode node) {
        if (node.getNodeType() == JsonNodeType.STRING) {
            return "\"" + node.asText() + "\"";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.toString();
    }

    private static final class Errors {
        final List<FieldError> list = new ArrayList<>();

        void add(String path, String message) {
            list.add(new FieldError(path, message));
        }

        void unknownFields(JsonNode object, String prefix, Set<String> known) {
            Set<String> unknown = new LinkedHashSet<>();
            object.fieldNames().forEachRemaining(field -> {
                if (!known.contains(field)) {
                    unknown.add(field);
                }
            });
            for (String field : unknown) {
                String path = prefix.isEmpty() ? field : prefix + "." + field;
                add(path, "is not a known field" + Suggestions.closest(field, known).map(s -> "; did you mean '" + s + "'?").orElse("")
                        + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }
}
