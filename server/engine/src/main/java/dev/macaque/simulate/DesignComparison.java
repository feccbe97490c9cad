package dev.macaque.simulate;

import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.ServiceReport;
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
 * scenario files, and what that changed in availability, incidents, recovery and kills. One page, {@code compare.html}.
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

    /** The page: differences, then per service, per group and per hypothesis the two results side by side. */
    public static String html(Scenario sa, SimulationReport a, Scenario sb, SimulationReport b) {
        StringBuilder out = new StringBuilder(1 << 14);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(a.scenario()))
                .append(" vs ").append(esc(b.scenario())).append(" — Macaque comparison</title>\n<style>\n").append(SweepPages.CSS)
                .append("</style>\n</head>\n<body>\n<main>\n<h1>").append(esc(a.scenario())).append(" <span class=\"muted\">vs</span> ")
                .append(esc(b.scenario())).append("</h1>\n<p class=\"muted\">").append(esc(a.source())).append(" (A) and ")
                .append(esc(b.source())).append(" (B), seeds ").append(a.seed()).append(" and ").append(b.seed()).append("</p>\n");
        out.append("<section><h2>What differs in the scenario files</h2>\n");
        List<String> differences = differences(sa, sb);
        if (differences.isEmpty()) {
            out.append("<p>Nothing: the two scenarios describe the same world.</p>\n");
        } else {
            out.append("<ul>\n");
            differences.forEach(d -> out.append("<li><code>").append(esc(d)).append("</code></li>\n"));
            out.append("</ul>\n");
        }
        out.append("</section>\n<section><h2>Verdict</h2><table><thead><tr><th></th><th class=\"num\">A</th><th class=\"num\">B</th></tr></thead><tbody>\n");
        row(out, "hypotheses holding", held(a), held(b));
        row(out, "incidents", Integer.toString(a.incidents().size()), Integer.toString(b.incidents().size()));
        row(out, "kills", Integer.toString(a.kills().size()), Integer.toString(b.kills().size()));
        row(out, "refused kills", Integer.toString(a.refusals().size()), Integer.toString(b.refusals().size()));
        row(out, "longest incident", longest(a), longest(b));
        out.append("</tbody></table></section>\n<section><h2>Availability</h2><table><thead><tr><th>Service</th>")
                .append("<th class=\"num\">A</th><th class=\"num\">B</th></tr></thead><tbody>\n");
        for (ServiceReport service : a.services()) {
            String other = b.services().stream().filter(s -> s.name().equals(service.name())).findFirst()
                    .map(s -> ReportText.percent(s.availability())).orElse("not in B");
            row(out, service.name(), ReportText.percent(service.availability()), other);
        }
        out.append("</tbody></table></section>\n<section><h2>Recovery</h2><table><thead><tr><th>Group</th><th class=\"num\">A kills</th>")
                .append("<th class=\"num\">A max recovery</th><th class=\"num\">B kills</th><th class=\"num\">B max recovery</th></tr></thead><tbody>\n");
        for (GroupReport group : a.groups()) {
            GroupReport other = b.groups().stream().filter(g -> g.name().equals(group.name())).findFirst().orElse(null);
            out.append("<tr><td>").append(esc(group.name())).append("</td><td class=\"num\">").append(group.kills())
                    .append("</td><td class=\"num\">").append(ReportText.duration(group.recovery().max())).append("</td><td class=\"num\">")
                    .append(other == null ? "–" : Integer.toString(other.kills())).append("</td><td class=\"num\">")
                    .append(other == null ? "not in B" : ReportText.duration(other.recovery().max())).append("</td></tr>\n");
        }
        out.append("</tbody></table></section>\n<section><h2>Hypotheses</h2><table><thead><tr><th>Hypothesis</th>")
                .append("<th class=\"num\">A</th><th class=\"num\">B</th></tr></thead><tbody>\n");
        for (HypothesisResult result : a.hypotheses()) {
            String other = b.hypotheses().stream().filter(h -> h.expression().text().equals(result.expression().text())).findFirst()
                    .map(DesignComparison::verdict).orElse("not in B");
            out.append("<tr><td><code>").append(esc(result.expression().text())).append("</code></td><td class=\"num\">")
                    .append(verdict(result)).append("</td><td class=\"num\">").append(other).append("</td></tr>\n");
        }
        out.append("</tbody></table></section>\n<section><h2>Incidents</h2>\n");
        incidents(out, "A", a);
        incidents(out, "B", b);
        out.append("</section>\n</main>\n</body>\n</html>\n");
        return out.toString();
    }

    private static void incidents(StringBuilder out, String label, SimulationReport report) {
        out.append("<h3>").append(label).append(": ").append(esc(report.scenario())).append("</h3>\n");
        List<ReportText.IncidentStory> stories = ReportText.stories(report.incidents());
        if (stories.isEmpty()) {
            out.append("<p class=\"good\">No incident: every service served its whole load.</p>\n");
        }
        for (ReportText.IncidentStory story : stories.subList(0, Math.min(10, stories.size()))) {
            out.append("<p>").append(esc(ReportText.narrative(report.start(), story.culprit(), story.dependents()))).append("</p>\n");
        }
    }

    private static String verdict(HypothesisResult result) {
        String value = result.note().isEmpty() ? ReportNumbers.number(result.value()) : result.note();
        return (result.passed() ? "<span class=\"good\">PASS</span> " : "<span class=\"bad\">FAIL</span> ") + esc(value);
    }

    private static String held(SimulationReport report) {
        return report.hypotheses().stream().filter(HypothesisResult::passed).count() + " of " + report.hypotheses().size();
    }

    private static String longest(SimulationReport report) {
        double longest = report.incidents().stream().mapToDouble(i -> i.end().map(e -> e.minus(i.start()))
                .orElse(report.duration().minus(i.start())).toNanos() / 1e9).max().orElse(0);
        return longest == 0 ? "none" : ReportText.duration(longest);
    }

    private static void row(StringBuilder out, String label, String a, String b) {
        out.append("<tr><td>").append(esc(label)).append("</td><td class=\"num\">").append(esc(a)).append("</td><td class=\"num\">")
                .append(esc(b)).append("</td></tr>\n");
    }

    private static String esc(String text) {
        return SweepPages.esc(text);
    }
}
