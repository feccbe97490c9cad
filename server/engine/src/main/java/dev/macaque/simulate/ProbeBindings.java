package dev.macaque.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.engine.probe.Probe;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioError;
import dev.macaque.simulated.scenario.ServiceSpec;
import dev.macaque.text.Suggestions;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scenario's {@code probes:} mapping: the probe names of experiments written for production, bound to simulated
 * services, so that the same experiment runs unchanged in {@code macaque simulate}:
 *
 * <pre>{@code
 * probes:
 *   checkout-ok: {service: web, minSuccessPercent: 99.5}
 * }</pre>
 *
 * A bound probe, whatever its kind in the experiment (http, prometheus), reads its service's success ratio at that
 * virtual instant; a {@code service} probe needs no binding. Every other probe is an error before anything runs.
 */
final class ProbeBindings {
    private ProbeBindings() {
    }

    /** The bindings by probe name; each problem is added to {@code errors} as {@code file:line:probes.name}. */
    static Map<String, Probe.Service> parse(Scenario scenario, List<ScenarioError> errors) {
        Map<String, Probe.Service> bindings = new TreeMap<>();
        if (scenario.probes() == null) {
            return bindings;
        }
        List<String> services = scenario.services().stream().map(ServiceSpec::name).toList();
        int line = scenario.probes().line();
        JsonNode root = scenario.probes().node();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> binding = it.next();
            String key = "probes." + binding.getKey();
            JsonNode node = binding.getValue();
            if (!node.isObject()) {
                errors.add(new ScenarioError(scenario.source(), line, key, "must be a mapping such as {service: web, "
                        + "minSuccessPercent: 99.5}"));
                continue;
            }
            node.fieldNames().forEachRemaining(field -> {
                if (!field.equals("service") && !field.equals("minSuccessPercent")) {
                    errors.add(new ScenarioError(scenario.source(), line, key + "." + field,
                            "is not a known key (known: minSuccessPercent, service)"));
                }
            });
            String service = node.path("service").asText("");
            if (!services.contains(service)) {
                errors.add(new ScenarioError(scenario.source(), line, key + ".service", (service.isEmpty() ? "is required"
                        : "'" + service + "' is not a service of this scenario") + " (services: " + String.join(", ", services) + ")"
                        + Suggestions.closest(service, services).map(s -> "; did you mean '" + s + "'?").orElse("")));
                continue;
            }
            JsonNode percent = node.get("minSuccessPercent");
            if (percent == null || !percent.isNumber() || percent.doubleValue() < 0 || percent.doubleValue() > 100) {
                errors.add(new ScenarioError(scenario.source(), line, key + ".minSuccessPercent",
                        "is required: a number in 0..100, e.g. 99.5"));
                continue;
            }
            bindings.put(binding.getKey(), new Probe.Service(binding.getKey(), service, percent.doubleValue()));
        }
        return bindings;
    }

    /** Every probe of the experiments must be simulable: bound, or a {@code service} probe of a known service. */
    static void check(Scenario scenario, List<ChaosAction> chaos, Map<String, Probe.Service> bindings, List<ScenarioError> errors) {
        List<String> services = scenario.services().stream().map(ServiceSpec::name).toList();
        for (ChaosAction action : chaos) {
            List<Probe> probes = action instanceof ChaosAction.OneShot oneShot ? oneShot.experiment().steadyState().probes()
                    : ((ChaosAction.Scheduled) action).schedule().experiment().steadyState().probes();
            for (Probe probe : probes) {
                String key = "chaos[" + action.index() + "].experiment.steadyState.probes." + probe.name();
                if (probe instanceof Probe.Service service) {
                    if (!services.contains(service.service())) {
                        errors.add(new ScenarioError(scenario.source(), action.line(), key, "reads service '" + service.service()
                                + "', which this scenario does not have (services: " + String.join(", ", services) + ")"));
                    }
                } else if (!bindings.containsKey(probe.name())) {
                    errors.add(new ScenarioError(scenario.source(), action.line(), key, "is an " + probe.kind() + " probe, "
                            + "which the simulated world cannot call; bind it to a simulated service, e.g. probes: {"
                            + probe.name() + ": {service: " + (services.isEmpty() ? "web" : services.get(0))
                            + ", minSuccessPercent: 99}}"));
                }
            }
        }
    }

    /** The probe the simulated world evaluates for {@code probe}. */
    static Probe.Service simulated(Probe probe, Map<String, Probe.Service> bindings) {
        if (probe instanceof Probe.Service service) {
            return service;
        }
        return bindings.get(probe.name());
    }
}
