package dev.macaque.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.auth.Scope;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A scoped principal's experiments and schedules run within its scope: its tags are written into the spec's
 * {@code targets.scope}, which the engine judges with the rest of the eligibility rule before every kill
 * ({@code OUT_OF_SCOPE}), and which the run's or schedule's stored spec keeps, so that the scope shows and later
 * decides who may abort or change it. A spec asking for another value of a scope tag is a field error.
 */
public final class ScopedSpecs {
    private ScopedSpecs() {
    }

    /** {@code spec} with {@code scope} in its {@code targets.scope}; unchanged when unscoped (or not an object: the parser says why). */
    public static JsonNode within(JsonNode spec, Scope scope) {
        return within(spec, scope, "");
    }

    /** A schedule's definition with {@code scope} in its experiment's {@code targets.scope}. */
    public static JsonNode scheduleWithin(JsonNode definition, Scope scope) {
        if (scope.unscoped() || !definition.isObject() || !definition.path("experiment").isObject()) {
            return definition;
        }
        ObjectNode copy = (ObjectNode) definition.deepCopy();
        copy.set("experiment", within(copy.get("experiment"), scope, "experiment."));
        return copy;
    }

    /** The scope a stored spec ran under ({@link Scope#ALL} when none). */
    public static Scope of(JsonNode spec) {
        JsonNode scope = spec == null ? null : spec.path("targets").path("scope");
        if (scope == null || !scope.isObject()) {
            return Scope.ALL;
        }
        Map<String, String> tags = new java.util.TreeMap<>();
        scope.fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return new Scope(tags);
    }

    private static JsonNode within(JsonNode spec, Scope scope, String prefix) {
        if (scope.unscoped() || spec == null || !spec.isObject()) {
            return spec;
        }
        ObjectNode copy = (ObjectNode) spec.deepCopy();
        JsonNode targets = copy.get("targets");
        if (targets != null && !targets.isNull() && !targets.isObject()) {
            return spec;
        }
        ObjectNode t = targets == null || targets.isNull() ? copy.putObject("targets") : (ObjectNode) targets;
        JsonNode given = t.get("scope");
        if (given != null && !given.isNull() && !given.isObject()) {
            return spec;
        }
        ObjectNode merged = given == null || given.isNull() ? t.putObject("scope") : (ObjectNode) given;
        List<FieldError> errors = new ArrayList<>();
        scope.tags().forEach((tag, value) -> {
            JsonNode asked = merged.get(tag);
            if (asked != null && !asked.asText().equals(value)) {
                errors.add(new FieldError(prefix + "targets.scope." + tag, "you act within the scope " + scope + "; '" + asked.asText()
                        + "' is outside it"));
            }
            merged.put(tag, value);
        });
        if (!errors.isEmpty()) {
            throw new SpecValidationException(errors);
        }
        return copy;
    }
}
