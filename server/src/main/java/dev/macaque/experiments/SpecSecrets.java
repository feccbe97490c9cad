package dev.macaque.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.engine.probe.Probe;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that masks a spec's secrets before any view of it (the stored spec, the API, the dashboard): every
 * value of a probe's {@code headers} ({@code steadyState.probes[*].http|prometheus.headers}) becomes {@value Probe#MASK}.
 * The run itself keeps the parsed spec, and resolves {@code ${env:NAME}} values only when it calls the probe.
 */
public final class SpecSecrets {
    private SpecSecrets() {
    }

    /** A masked copy of {@code spec}; {@code spec} itself is not changed. */
    public static JsonNode masked(JsonNode spec) {
        if (spec == null || !spec.isObject()) {
            return spec;
        }
        JsonNode copy = spec.deepCopy();
        maskProbes(copy.path("steadyState").path("probes"));
        // A schedule's spec holds its experiment under "experiment".
        maskProbes(copy.path("experiment").path("steadyState").path("probes"));
        return copy;
    }

    private static void maskProbes(JsonNode probes) {
        if (!probes.isArray()) {
            return;
        }
        for (JsonNode probe : probes) {
            for (String kind : List.of("http", "prometheus")) {
                JsonNode headers = probe.path(kind).path("headers");
                if (headers instanceof ObjectNode object) {
                    List<String> names = new ArrayList<>();
                    object.fieldNames().forEachRemaining(names::add);
                    names.forEach(name -> object.put(name, Probe.MASK));
                }
            }
        }
    }
}
