package dev.macaque.simulations.pages;

import dev.macaque.simulate.Incident;
import dev.macaque.simulate.KillRecord;
import dev.macaque.simulate.RecoveryStats;
import dev.macaque.simulate.RefusalRecord;
import dev.macaque.simulate.ReportNumbers;
import dev.macaque.simulate.ReportText;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulate.SteadyStateReport;
import dev.macaque.text.Durations;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: the engine's {@link SimulationReport} rendered by the {@code simulate/report.jte} template, the
 * page the command line writes, the server stores for its simulations and the dashboard frames. One self-contained
 * page (inline CSS and SVG, no script, nothing fetched) with the verdict, cards coloured by the hypotheses about them,
 * the hypotheses, each incident told as a story with its zoomed chart, the timeline, per service capacity and success
 * ratio, and the tables. Every number is formatted here or by {@link ReportText}, once; the template only places
 * them. Deterministic bytes.
 */
public final class ReportPage {
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("EEE d MMM HH:mm:ss", Locale.ENGLISH);
    private static final int MAX_NARRATIVES = 20;

    private ReportPage() {
    }

    public record Card(String tone, String label, String value, String sub) {
    }

    public record Hypothesis(boolean passed, String text, String measured, int line) {
    }

    /** An incident story and its chart (inline SVG drawn by {@link ReportCharts}). */
    public record Story(String text, String chart) {
    }

    public record IncidentRow(String service, String from, String until, String unserved, String rootCause, String path,
                              String zones) {
    }

    public record GroupRow(String name, int desired, int kills, int refusals, String p50, String p95, String max, int recovered,
                           int notRecovered, int pending, int episodes) {
    }

    public record KillRow(String when, String group, String instance, String run, String recovered, boolean notRecovered,
                          String verdict) {
    }

    public record RefusalRow(String when, String group, String instance, String run, String reason) {
    }

    public record SteadyRun(String run, String experiment, String state, String stopped, String probe, String observed, int spared) {
    }

    public record SteadyService(String service, String availability, String without, String avoided) {
    }

    public record IdleRun(String started, String run, String experiment, String state, String why) {
    }

    public record ReportView(String css, String scenario, String meta, String verdictClass, String verdictText, List<Card> cards,
                             List<Hypothesis> hypotheses, List<Story> stories, String graph, List<IncidentRow> incidents,
                             String incidentsLeftOut, String timeline, String services, List<GroupRow> groups, String groupsLeftOut,
                             List<RefusalRow> refusals, String refusalsLeftOut, List<SteadyRun> steadyRuns, String steadyText,
                             List<SteadyService> steadyServices, List<IdleRun> idleRuns, List<KillRow> kills, String killsLeftOut,
                             String command) {
    }

    public static String write(SimulationReport report) {
        StringOutput out = new StringOutput();
        TEMPLATES.render("simulate/report.jte", Map.of("page", view(report)), out);
        return out.toString();
    }

    static ReportView view(SimulationReport report) {
        ReportCharts charts = new ReportCharts(report);
        String file = Path.of(report.source()).getFileName().toString();
        String meta = file + " · seed " + report.seed() + " · " + Durations.format(report.duration()) + " of virtual time from "
                + STAMP.format(report.start().atZone(ZoneOffset.UTC)) + " UTC · " + ReportText.count(report.events()) + " events · "
                + ReportText.count(report.kills().size()) + (report.kills().size() == 1 ? " kill" : " kills") + " in "
                + report.runs().size() + (report.runs().size() == 1 ? " run" : " runs");
        long failed = report.hypotheses().stream().filter(h -> !h.passed()).count();
        String verdictClass = report.hypotheses().isEmpty() ? "neutral" : failed == 0 ? "pass" : "fail";
        String verdictText = report.hypotheses().isEmpty() ? "No hypotheses to check" : failed == 0
                ? "All " + report.hypotheses().size() + " hypotheses hold" : failed + " of " + report.hypotheses().size() + " hypotheses failed";
        List<Hypothesis> hypotheses = report.hypotheses().stream().map(h -> new Hypothesis(h.passed(), h.expression().text(),
                h.note().isEmpty() ? ReportNumbers.number(h.value()) : h.note(), h.expression().line())).toList();

        List<ReportText.IncidentStory> all = ReportText.stories(report.incidents());
        List<Story> stories = all.subList(0, Math.min(MAX_NARRATIVES, all.size())).stream()
                .map(s -> new Story(ReportText.narrative(report.start(), s.culprit(), s.dependents()), charts.zoomed(s))).toList();
        List<Incident> shownIncidents = report.incidents().size() > ReportCharts.MAX_ROWS
                ? report.incidents().subList(0, ReportCharts.MAX_ROWS) : report.incidents();
        List<IncidentRow> incidents = shownIncidents.stream().map(i -> incidentRow(charts, i)).toList();
        String incidentsLeftOut = report.incidents().size() > ReportCharts.MAX_ROWS || report.incidentsOmitted() > 0
                ? ReportText.count(shownIncidents.size()) + " of " + ReportText.count(report.incidents().size() + report.incidentsOmitted())
                + " incidents listed." : "";

        List<GroupReport> shownGroups = charts.shownGroups(ReportCharts.MAX_GROUP_ROWS);
        List<GroupRow> groups = shownGroups.stream().map(g -> new GroupRow(g.name(), g.desired(), g.kills(), g.refusals(),
                ReportCharts.seconds(g.recovery().p50()), ReportCharts.seconds(g.recovery().p95()),
                ReportCharts.seconds(g.recovery().max()), g.engineRecovered(), g.engineNotRecovered(), g.enginePending(),
                g.episodes().size())).toList();
        String groupsLeftOut = shownGroups.size() < report.groups().size() ? shownGroups.size() + " of " + report.groups().size()
                + " groups shown (those with kills, refusals or degraded periods first); report.json has them all." : "";

        List<RefusalRecord> shownRefusals = first(report.refusals());
        List<RefusalRow> refusals = shownRefusals.stream().map(r -> new RefusalRow(charts.stamp(r.at().toNanos()), r.group(),
                r.instance(), r.run(), r.reason())).toList();
        String refusalsLeftOut = shownRefusals.size() < report.refusals().size() ? "First " + ReportCharts.MAX_ROWS + " of "
                + ReportText.count(report.refusals().size()) + " refusals; report.json lists all." : "";

        SteadyStateReport steady = report.steadyState();
        List<SteadyRun> steadyRuns = steady.runs().stream().map(r -> new SteadyRun(r.run(), r.experiment(), r.state(),
                r.haltedAt() == null ? "–" : charts.stamp(r.haltedAt().toNanos()), r.haltedBy() == null ? "–" : r.haltedBy(),
                r.observed() == null ? "–" : r.observed(), r.spared())).toList();
        List<SteadyService> steadyServices = steady.comparison().stream().map(c -> new SteadyService(c.service(),
                ReportText.percent(c.availabilityPercent()), ReportText.percent(c.availabilityWithoutProbes()),
                ReportText.count(Math.round(c.avoidedUnservedRequests())))).toList();

        List<SimulationReport.RunSummary> idle = first(report.runs().stream().filter(r -> !r.note().isEmpty()).toList());
        List<IdleRun> idleRuns = idle.stream().map(r -> new IdleRun(charts.stamp(r.startedAt().toNanos()), r.run(), r.experiment(),
                r.state(), r.note())).toList();

        List<KillRecord> shownKills = first(report.kills());
        List<KillRow> kills = shownKills.stream().map(k -> new KillRow(charts.stamp(k.at().toNanos()), k.group(), k.instance(), k.run(),
                ReportCharts.seconds(k.recoverySeconds()), k.engineVerdict().equals("NOT_RECOVERED"), ReportCharts.verdict(k))).toList();
        String killsLeftOut = shownKills.size() < report.kills().size() ? "First " + ReportCharts.MAX_ROWS + " of "
                + report.kills().size() + " kills; report.json lists all." : "";

        return new ReportView(ReportCharts.CSS, report.scenario(), meta, verdictClass, verdictText, cards(report), hypotheses, stories,
                charts.graph(), incidents, incidentsLeftOut, charts.timelineSection(), charts.servicesSection(), groups, groupsLeftOut,
                refusals, refusalsLeftOut, steadyRuns, steady.isEmpty() ? "" : ReportText.steadyState(steady), steadyServices,
                idleRuns, kills, killsLeftOut, "macaque simulate " + file + " --seed " + report.seed());
    }

    private static <T> List<T> first(List<T> all) {
        return all.size() > ReportCharts.MAX_ROWS ? all.subList(0, ReportCharts.MAX_ROWS) : all;
    }

    private static IncidentRow incidentRow(ReportCharts charts, Incident incident) {
        StringBuilder zones = new StringBuilder();
        incident.zones().forEach((group, byZone) -> {
            zones.append(zones.length() == 0 ? "" : "; ").append(group).append(':');
            byZone.forEach((zone, n) -> zones.append(' ').append(zone).append(' ').append(n));
        });
        return new IncidentRow(incident.service(), charts.stamp(incident.start().toNanos()),
                incident.end().map(e -> charts.stamp(e.toNanos()) + " (" + ReportCharts.seconds(e.minus(incident.start()).toNanos() / 1e9)
                        + ")").orElse("end of run"), ReportText.percent(incident.unservedPercent()),
                incident.rootCause().map(c -> c.kind().wireName() + " · " + c.group() + c.instance().map(i -> "/" + i).orElse("")
                        + " at " + charts.stamp(c.at().toNanos())).orElse("none: load above full capacity"),
                String.join(" → ", incident.path()), zones.toString());
    }

    /** Availability, recovery and refusals, each coloured by the hypotheses about it (none: no colour). */
    private static List<Card> cards(SimulationReport report) {
        List<Card> cards = new ArrayList<>();
        List<ServiceReport> services = report.services();
        if (services.size() <= 8) {
            for (ServiceReport service : services) {
                cards.add(new Card(report.availabilityVerdict(service.name()).tone(), service.name() + " availability",
                        ReportNumbers.number(service.availability()) + "%", "served by " + service.group()));
            }
        } else {
            ServiceReport worst = services.stream().min(Comparator.comparingDouble(ServiceReport::availability)).orElseThrow();
            cards.add(new Card(report.availabilityVerdict().tone(), "lowest availability", ReportNumbers.number(worst.availability()) + "%",
                    worst.name() + ", of " + services.size() + " services"));
        }
        List<GroupReport> killed = report.groups().stream().filter(g -> g.kills() > 0).toList();
        if (killed.size() <= 4) {
            for (GroupReport group : killed) {
                cards.add(new Card(report.recoveryVerdict(group.name()).tone(), group.name() + " recovery max",
                        ReportCharts.seconds(group.recovery().max()), group.kills() + (group.kills() == 1 ? " kill" : " kills") + ", p50 "
                        + ReportCharts.seconds(group.recovery().p50())));
            }
        } else {
            RecoveryStats all = RecoveryStats.of(report.kills().stream().map(KillRecord::recoverySeconds).toList());
            cards.add(new Card(report.recoveryVerdict("").tone(), "recovery max", ReportCharts.seconds(all.max()), report.kills().size()
                    + " kills in " + killed.size() + " groups, p50 " + ReportCharts.seconds(all.p50()) + ", p95 "
                    + ReportCharts.seconds(all.p95())));
        }
        long refusals = report.refusals().size();
        if (refusals > 0) {
            cards.add(new Card(report.refusalsVerdict().tone(), "refused by guardrails", Long.toString(refusals),
                    refusals == 1 ? "kill not made" : "kills not made"));
        }
        return cards;
    }
}
