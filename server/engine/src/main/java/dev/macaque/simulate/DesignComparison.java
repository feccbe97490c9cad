package dev.macaque.simulate;

import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Two designs of one system side by side ({@code macaque simulate A.yaml --compare B.yaml}): what differs in the
 * scenario files (the server renders {@code compare.html} with what that changed in availability, incidents, recovery
 * and kills).
 */
public final class DesignComparison {
    private DesignComparison() {
    }

    /** What differs between the two scenarios, as sentences, in a fixed order: groups, services, faults, chaos, hypotheses. */
    public static List<String> differences(Scenario a, Scenario b) {
        List<String> out = new ArrayList<>();
        compareNamed(out, "group", a.groups(), b.groups(), GroupSpec::name, Map.of(
                "region", GroupSpec::region, "zones", GroupSpec::zones, "desired", GroupSpec::desired, "bootTime", GroupSpec::bootTime,
                "replacementDelay", GroupSpec::replacementDelay, "healthCheckGrace", GroupSpec::healthCheckGrace,
                "launchFailureRate", GroupSpec::launchFailureRate, "tags", GroupSpec::tags));
        compareNamed(out, "service", a.services(), b.services(), ServiceSpec::name, Map.of(
                "group", ServiceSpec::group, "capacityPerInstance", ServiceSpec::capacityPerInstance, "load", ServiceSpec::load,
                "dependsOn", ServiceSpec::dependsOn, "overloadCrashAfter", s -> s.overloadCrashAfter().map(Object::toString).orElse("none")));
        if (!a.faults().equals(b.faults())) {
            out.add("faults: " + a.faults() + " → " + b.faults());
        }
        if (!a.chaos().stream().map(c -> c.node().toString()).toList().equals(b.chaos().stream().map(c -> c.node().toString()).toList())) {
            out.add("chaos entries differ");
        }
        List<String> ha = a.hypotheses().stream().map(h -> h.text().strip()).toList();
        List<String> hb = b.hypotheses().stream().map(h -> h.text().strip()).toList();
        if (!ha.equals(hb)) {
            out.add("hypotheses: " + ha + " → " + hb);
        }
        if (a.seed() != b.seed()) {
            out.add("seed: " + a.seed() + " → " + b.seed());
        }
        if (!a.duration().equals(b.duration())) {
            out.add("duration: " + a.duration() + " → " + b.duration());
        }
        return out;
    }

    private static <T> void compareNamed(List<String> out, String what, List<T> a, List<T> b, Function<T, String> name,
                                         Map<String, Function<T, Object>> fields) {
        Map<String, T> inB = new LinkedHashMap<>();
        b.forEach(x -> inB.put(name.apply(x), x));
        List<String> keys = fields.keySet().stream().sorted().toList();
        for (T x : a) {
            T y = inB.remove(name.apply(x));
            if (y == null) {
                out.add(what + " " + name.apply(x) + ": only in the first scenario");
                continue;
            }
            for (String key : keys) {
                Object va = fields.get(key).apply(x);
                Object vb = fields.get(key).apply(y);
                if (!Objects.equals(va, vb)) {
                    out.add(what + " " + name.apply(x) + ": " + key + " " + va + " → " + vb);
                }
            }
        }
        inB.keySet().forEach(n -> out.add(what + " " + n + ": only in the second scenario"));
    }
}
