package dev.macaque.simulations.pages;

import dev.macaque.simulate.Incident;
import dev.macaque.simulate.KillRecord;
import dev.macaque.simulate.OverloadWindow;
import dev.macaque.simulate.RefusalRecord;
import dev.macaque.simulate.ReportNumbers;
import dev.macaque.simulate.ReportText;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulated.RecoveryEpisode;
import dev.macaque.simulated.SeriesPoint;
import dev.macaque.simulated.scenario.FaultSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The charts of {@code report.html} as inline SVG (no script, nothing fetched): the timeline of kills, recoveries and
 * faults, per service its healthy capacity against the load and its success ratio, each incident's zoomed chart and
 * the dependency graph. The page around them is the {@code simulate/report.jte} template ({@link ReportPage}).
 * Deterministic bytes: nothing from the real run (no wall-clock time) and every coordinate printed from its exact
 * decimal value.
 */
final class ReportCharts {
    private static final int WIDTH = 1100;
    private static final int LEFT = 100;
    private static final int RIGHT = 20;
    private static final int PLOT = WIDTH - LEFT - RIGHT;
    static final int MAX_ROWS = 500;
    private static final int MAX_TIMELINE_ROWS = 40;
    private static final int MAX_SERVICE_CHARTS = 20;
    static final int MAX_GROUP_ROWS = 200;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d MMM", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("EEE d MMM HH:mm:ss", Locale.ENGLISH);
    private static final long[] TICK_STEPS = {60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800,
        604800, 1209600, 2592000};

    private final SimulationReport report;
    private final long totalNanos;
    /** The stretch of virtual time charts show: the whole run, or an incident's window. */
    private long viewFrom;
    private long viewTo;
    private final StringBuilder out = new StringBuilder(1 << 16);

    ReportCharts(SimulationReport report) {
        this.report = report;
        this.totalNanos = Math.max(1, report.duration().toNanos());
        this.viewTo = totalNanos;
    }

    /** Groups something happened to (kills, refusals, degraded periods, services short of capacity), in scenario order. */
    private List<GroupReport> eventfulGroups() {
        return report.groups().stream().filter(g -> g.kills() > 0 || g.refusals() > 0 || !g.episodes().isEmpty()
                || report.incidents().stream().anyMatch(i -> servedBy(i.service(), g.name()))).toList();
    }

    private boolean servedBy(String service, String group) {
        return report.services().stream().anyMatch(s -> s.name().equals(service) && s.group().equals(group));
    }

    /** A big world cannot be drawn row by row: show what happened, and say what was left out. */
    List<GroupReport> shownGroups(int limit) {
        if (report.groups().size() <= limit) {
            return report.groups();
        }
        List<GroupReport> eventful = eventfulGroups();
        return eventful.size() <= limit ? eventful : eventful.subList(0, limit);
    }

    private void leftOut(int shown, int total, String what) {
        if (shown < total) {
            out.append("<p class=\"muted\">").append(shown).append(" of ").append(total).append(' ').append(what)
                    .append(" shown (those with kills, refusals or degraded periods first); report.json has them all.</p>\n");
        }
    }

    private void timeline() {
        List<GroupReport> groups = shownGroups(MAX_TIMELINE_ROWS);
        int row = 34;
        int top = 28;
        int height = top + row * groups.size() + 34;
        out.append("<section>\n<h2>Timeline</h2>\n<p class=\"muted\">Per group: degraded periods (fewer healthy instances")
                .append(" than just before) as bars, engine kills as red marks, refused kills as crosses; faults shaded.")
                .append(" Hover over a mark for details.</p>\n");
        svgOpen(height, "Timeline of kills, recoveries and faults");
        scheduleWindows(top, row * groups.size());
        for (FaultSpec fault : report.faults()) {
            long from = fault.at().toNanos();
            if (fault instanceof FaultSpec.ZoneOutage zone) {
                band(from, from + zone.duration().toNanos(), top, row * groups.size(), "fault",
                        "zone outage " + zone.region() + "/" + zone.zone() + ", " + ReportText.duration(zone.duration()));
                label(x(from) + 3, top - 6, "zone " + zone.zone() + " out", "faultlabel");
            } else if (fault instanceof FaultSpec.LaunchCapacityError capacity && groupIndex(groups, capacity.group()) >= 0) {
                int index = groupIndex(groups, capacity.group());
                band(from, from + capacity.duration().toNanos(), top + row * index, row, "capacity",
                        "no launch capacity for " + capacity.group() + ", " + ReportText.duration(capacity.duration()));
            }
        }
        for (int i = 0; i < groups.size(); i++) {
            GroupReport group = groups.get(i);
            int y = top + row * i;
            out.append("<line class=\"rowline\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT).append("\" y1=\"")
                    .append(y + row).append("\" y2=\"").append(y + row).append("\"/>\n");
            out.append("<text class=\"rowlabel\" x=\"").append(LEFT - 8).append("\" y=\"").append(y + row / 2 + 4)
                    .append("\" text-anchor=\"end\">").append(esc(group.name())).append("</text>\n");
            // A group none of whose instances was touched still belongs on the timeline when its services served
            // less than their load because of a dependency: the band says so, and names the cause.
            for (Incident incident : report.incidents()) {
                if (!servedBy(incident.service(), group.name())) {
                    continue;
                }
                long from = incident.start().toNanos();
                long to = incident.end().map(Duration::toNanos).orElse(totalNanos);
                double x0 = x(from);
                out.append("<rect class=\"short\" x=\"").append(fmt(x0)).append("\" y=\"").append(y + row - 8)
                        .append("\" width=\"").append(fmt(Math.max(3, x(to) - x0))).append("\" height=\"5\"><title>")
                        .append(esc(incident.service())).append(" served ").append(esc(ReportText.servedShare(incident.unservedPercent())))
                        .append(" from ").append(esc(stamp(from))).append(" for ").append(esc(seconds((to - from) / 1e9)))
                        .append(incident.path().size() > 1 ? ", through " + esc(String.join(" → ", incident.path())) : "")
                        .append("</title></rect>\n");
            }
            for (RecoveryEpisode episode : group.episodes()) {
                long from = episode.leftService().toNanos();
                long to = episode.recovered().map(Duration::toNanos).orElse(totalNanos);
                double x0 = x(from);
                double w = Math.max(3, x(to) - x0);
                out.append("<rect class=\"").append(episode.isRecovered() ? "episode" : "episode open").append("\" x=\"")
                        .append(fmt(x0)).append("\" y=\"").append(y + 8).append("\" width=\"").append(fmt(w))
                        .append("\" height=\"").append(row - 16).append("\" rx=\"2\"><title>").append(esc(group.name()))
                        .append(" degraded from ").append(esc(stamp(from))).append(episode.isRecovered()
                                ? ", back to " + episode.healthyBefore() + " healthy after " + seconds(episode.seconds())
                                : ", still degraded at the end").append("</title></rect>\n");
            }
            for (KillRecord kill : report.kills()) {
                if (!kill.group().equals(group.name())) {
                    continue;
                }
                double kx = x(kill.at().toNanos());
                out.append("<path class=\"kill\" d=\"M").append(fmt(kx)).append(' ').append(y + 3).append(" l-4 -5 h8 z M")
                        .append(fmt(kx)).append(' ').append(y + 3).append(" V").append(y + row - 3).append("\"><title>kill of ")
                        .append(esc(kill.instance())).append(" by ").append(esc(kill.run())).append(" at ")
                        .append(esc(stamp(kill.at().toNanos()))).append(": recovered after ")
                        .append(seconds(kill.recoverySeconds())).append(" (engine: ").append(esc(verdict(kill)))
                        .append(")</title></path>\n");
            }
            for (RefusalRecord refusal : report.refusals()) {
                if (refusal.group().equals(group.name())) {
                    double rx = x(refusal.at().toNanos());
                    int ry = y + row / 2;
                    out.append("<path class=\"refusal\" d=\"M").append(fmt(rx - 4)).append(' ').append(ry - 4).append(" l8 8 M")
                            .append(fmt(rx + 4)).append(' ').append(ry - 4).append(" l-8 8\"><title>")
                            .append(esc(refusal.reason())).append(": ").append(esc(refusal.run())).append(" did not kill ")
                            .append(esc(refusal.instance())).append(" at ").append(esc(stamp(refusal.at().toNanos())))
                            .append("</title></path>\n");
                }
            }
        }
        axis(top + row * groups.size(), top);
        out.append("</svg>\n<div class=\"legend\"><span class=\"sw episode\"></span>degraded, recovered")
                .append("<span class=\"sw open\"></span>still degraded at the end<span class=\"sw killsw\"></span>engine kill")
                .append("<span class=\"sw refusalsw\">×</span>kill refused by a guardrail")
                .append("<span class=\"sw shortsw\"></span>its service served less than its load")
                .append("<span class=\"sw faultsw\"></span>zone outage<span class=\"sw capsw\"></span>launch capacity error")
                .append(report.schedules().isEmpty() ? "" : "<span class=\"sw windowsw\"></span>schedule window")
                .append("</div>\n");
        for (SimulationReport.ScheduleSummary schedule : report.schedules()) {
            out.append("<p class=\"muted\">Schedule <code>").append(esc(schedule.name())).append("</code> (chaos[")
                    .append(schedule.entry()).append("]): window ").append(esc(ReportText.window(schedule.window())))
                    .append(", ").append(schedule.groups()).append(schedule.groups() == 1 ? " eligible group, " : " eligible groups, ")
                    .append(ReportText.count(schedule.kills())).append(schedule.kills() == 1 ? " kill" : " kills")
                    .append(" planned").append(schedule.groups() == 0 ? ": no group is opted in and targeted, so it did nothing" : "")
                    .append(".</p>\n");
        }
        leftOut(groups.size(), report.groups().size(), "groups");
        out.append("</section>\n");
    }

    private void services() {
        out.append("<section>\n<h2>Services</h2>\n<p class=\"muted\">Healthy capacity (healthy in-service instances × capacity")
                .append(" per instance) against the offered load, and the share of requests served. Overloads shaded.</p>\n");
        List<ServiceReport> shown = report.services().size() > MAX_SERVICE_CHARTS
                ? report.services().subList(0, MAX_SERVICE_CHARTS) : report.services();
        for (ServiceReport service : shown) {
            out.append("<h3>").append(esc(service.name())).append(" <span class=\"muted\">served by ").append(esc(service.group()))
                    .append(" · availability ").append(ReportNumbers.number(service.availability())).append("%</span></h3>\n");
            capacityChart(service);
            ratioChart(service);
        }
        out.append("<div class=\"legend\"><span class=\"sw capline\"></span>healthy capacity (req/s)<span class=\"sw loadline\"></span>")
                .append("offered load (req/s)<span class=\"sw ratioline\"></span>success ratio<span class=\"sw lostsw\"></span>")
                .append("requests not served<span class=\"sw overloadsw\"></span>overloaded</div>\n");
        if (shown.size() < report.services().size()) {
            out.append("<p class=\"muted\">The first ").append(shown.size()).append(" of ").append(report.services().size())
                    .append(" services are drawn; report.json has the availability of all.</p>\n");
        }
        out.append("</section>\n");
    }

    private void capacityChart(ServiceReport service) {
        List<SeriesPoint> points = service.series();
        int top = 24;
        int plotHeight = 130;
        double max = 0;
        for (SeriesPoint p : points) {
            max = Math.max(max, Math.max(p.healthyCapacity(), p.load()));
        }
        int samples = service.load().isConstant() ? 0 : 480;
        for (int i = 0; i <= samples; i++) {
            max = Math.max(max, service.load().at(totalNanos / Math.max(1, samples) * i));
        }
        double yMax = niceCeiling(max * 1.1);
        svgOpen(top + plotHeight + 28, "Healthy capacity and load of " + service.name());
        for (OverloadWindow overload : report.overloads()) {
            if (overload.service().equals(service.name())) {
                band(overload.from().toNanos(), overload.to().map(Duration::toNanos).orElse(totalNanos), top, plotHeight,
                        "overload", service.name() + " overloaded from " + stamp(overload.from().toNanos()));
            }
        }
        yAxis(top, plotHeight, yMax, false);
        out.append("<text class=\"unit\" x=\"").append(LEFT - 6).append("\" y=\"").append(top - 12)
                .append("\" text-anchor=\"end\">req/s</text>\n");
        StringBuilder capacity = new StringBuilder();
        StringBuilder load = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            SeriesPoint p = points.get(i);
            double px = x(p.at().toNanos());
            double cy = y(p.healthyCapacity(), yMax, top, plotHeight);
            double ly = y(p.load(), yMax, top, plotHeight);
            if (i == 0) {
                capacity.append('M').append(fmt(px)).append(' ').append(fmt(cy));
                load.append('M').append(fmt(px)).append(' ').append(fmt(ly));
            } else {
                capacity.append('H').append(fmt(px)).append('V').append(fmt(cy));
                load.append('H').append(fmt(px)).append('V').append(fmt(ly));
            }
        }
        capacity.append('H').append(fmt(x(totalNanos)));
        load.append('H').append(fmt(x(totalNanos)));
        if (samples > 0) {
            // A daily curve changes between change points: draw it from the curve itself.
            load.setLength(0);
            for (int i = 0; i <= samples; i++) {
                long t = totalNanos / samples * i;
                load.append(i == 0 ? 'M' : 'L').append(fmt(x(t))).append(' ')
                        .append(fmt(y(service.load().at(t), yMax, top, plotHeight)));
            }
        }
        out.append("<path class=\"loadline\" d=\"").append(load).append("\"/>\n");
        out.append("<path class=\"capline\" d=\"").append(capacity).append("\"/>\n");
        killMarks(service.group(), top, plotHeight);
        axis(top + plotHeight, top);
        out.append("</svg>\n");
    }

    private void ratioChart(ServiceReport service) {
        List<SeriesPoint> points = service.series();
        int top = 22;
        int plotHeight = 70;
        // Always 0-100%: the same height means the same loss on every report, so reports can be compared.
        double yMin = 0;
        svgOpen(top + plotHeight + 28, "Success ratio of " + service.name());
        yAxisRatio(top, plotHeight, yMin);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < points.size(); i++) {
            SeriesPoint p = points.get(i);
            double py = ratioY(p.successRatio(), yMin, top, plotHeight);
            double px = x(p.at().toNanos());
            if (i == 0) {
                line.append('M').append(fmt(px)).append(' ').append(fmt(py));
            } else {
                line.append('H').append(fmt(px)).append('V').append(fmt(py));
            }
        }
        line.append('H').append(fmt(x(totalNanos)));
        if (!points.isEmpty()) {
            double top1 = ratioY(1, yMin, top, plotHeight);
            out.append("<path class=\"lost\" d=\"").append(line).append("V").append(fmt(top1)).append("H")
                    .append(fmt(x(points.get(0).at().toNanos()))).append("Z\"/>\n");
        }
        out.append("<path class=\"ratioline\" d=\"").append(line).append("\"/>\n");
        axis(top + plotHeight, top);
        out.append("</svg>\n");
    }

    /** Every occurrence of every schedule's window within the run, as a band behind the rows. */
    private void scheduleWindows(int top, int height) {
        java.time.Instant start = report.start();
        java.time.Instant end = start.plus(report.duration());
        for (SimulationReport.ScheduleSummary schedule : report.schedules()) {
            dev.macaque.schedule.ScheduleWindow window = schedule.window();
            java.time.LocalDate first = start.atZone(window.zone()).toLocalDate();
            java.time.LocalDate last = end.atZone(window.zone()).toLocalDate();
            for (java.time.LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
                if (!window.isWorkingDay(day)) {
                    continue;
                }
                long from = Duration.between(start, day.atTime(window.from()).atZone(window.zone()).toInstant()).toNanos();
                long to = Duration.between(start, day.atTime(window.to()).atZone(window.zone()).toInstant()).toNanos();
                if (to > 0 && from < totalNanos) {
                    band(Math.max(0, from), Math.min(totalNanos, to), top, height, "window", "schedule " + schedule.name()
                            + " window " + ReportText.window(window));
                }
            }
        }
    }

    /** Runs {@code drawing} on an empty buffer and returns what it drew. */
    private String capture(Runnable drawing) {
        out.setLength(0);
        drawing.run();
        String drawn = out.toString();
        out.setLength(0);
        return drawn;
    }

    /** The timeline section. */
    String timelineSection() {
        return capture(this::timeline);
    }

    /** The services section: per service its capacity and success-ratio charts. */
    String servicesSection() {
        return capture(this::services);
    }

    /** An incident story's zoomed chart, every cause marked. */
    String zoomed(ReportText.IncidentStory story) {
        return capture(() -> zoomedChart(story.culprit(), story.dependents()));
    }

    /** The services as boxes, callers left of what they call, coloured by impact. */
    String graph() {
        return capture(this::dependencyGraph);
    }

    /** The success ratio of the incident's services around its window, root cause marked. */
    private void zoomedChart(Incident incident, List<Incident> dependents) {
        long from = incident.start().toNanos();
        long to = incident.end().map(Duration::toNanos).orElse(totalNanos);
        for (Incident d : dependents) {
            to = Math.max(to, d.end().map(Duration::toNanos).orElse(totalNanos));
        }
        if (incident.rootCause().isPresent()) {
            from = Math.min(from, incident.rootCause().get().at().toNanos());
        }
        for (Incident.Cause cause : incident.causes()) {
            from = Math.min(from, cause.at().toNanos());
        }
        long margin = Math.max(Duration.ofMinutes(5).toNanos(), (to - from) / 5);
        viewFrom = Math.max(0, from - margin);
        viewTo = Math.min(totalNanos, to + margin);
        int top = 22;
        int plotHeight = 90;
        svgOpen(top + plotHeight + 28, "Success ratio during the incident of " + incident.service());
        yAxisRatio(top, plotHeight, 0);
        List<String> services = new java.util.ArrayList<>();
        services.add(incident.service());
        dependents.forEach(d -> services.add(d.service()));
        for (int i = services.size() - 1; i >= 0; i--) {
            String name = services.get(i);
            ServiceReport service = report.services().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            StringBuilder line = new StringBuilder();
            List<SeriesPoint> points = service.series();
            for (int k = 0; k < points.size(); k++) {
                SeriesPoint p = points.get(k);
                line.append(k == 0 ? "M" : "H").append(fmt(x(p.at().toNanos()))).append(k == 0 ? " " : "V")
                        .append(fmt(ratioY(p.successRatio(), 0, top, plotHeight)));
            }
            line.append('H').append(fmt(x(totalNanos)));
            out.append("<path class=\"zoomline z").append(i % 4).append("\" d=\"").append(line).append("\"><title>")
                    .append(esc(name)).append("</title></path>\n");
        }
        // Every cause is marked, once per instant; a crash loop is one band with its count, not a line per crash.
        java.util.Map<Duration, List<Incident.Cause>> byInstant = new java.util.TreeMap<>();
        long crashFrom = Long.MAX_VALUE;
        long crashTo = Long.MIN_VALUE;
        int crashes = 0;
        List<Incident> story = new java.util.ArrayList<>(dependents);
        story.add(0, incident);
        java.util.Set<Incident.Cause> seen = new java.util.HashSet<>();
        for (Incident i : story) {
            for (Incident.Cause cause : i.causes()) {
                if (!seen.add(cause)) {
                    continue;
                }
                if (cause.kind() == Incident.CauseKind.OVERLOAD_CRASH) {
                    crashFrom = Math.min(crashFrom, cause.at().toNanos());
                    crashTo = Math.max(crashTo, cause.at().toNanos());
                    crashes += cause.lost();
                } else {
                    byInstant.computeIfAbsent(cause.at(), k -> new java.util.ArrayList<>()).add(cause);
                }
            }
        }
        if (crashes > 0) {
            band(crashFrom, Math.max(crashTo, crashFrom + 1), top, plotHeight, "overload", crashes
                    + (crashes == 1 ? " overload crash" : " overload crashes") + " from " + stamp(crashFrom) + " to " + stamp(crashTo));
            label(x(crashFrom) + 4, top + plotHeight - 6, crashes + (crashes == 1 ? " crash" : " crashes"), "faultlabel");
        }
        boolean rootMarked = false;
        for (java.util.Map.Entry<Duration, List<Incident.Cause>> entry : byInstant.entrySet()) {
            double cx = x(entry.getKey().toNanos());
            boolean root = incident.rootCause().map(r -> r.at().equals(entry.getKey())).orElse(false);
            rootMarked |= root;
            String words = entry.getValue().stream().map(c -> c.kind().words() + " · " + c.group() + " " + ReportText.rate(c.capacityBefore())
                    .replace(" req/s", "") + " → " + ReportText.rate(c.capacityAfter())).distinct()
                    .collect(java.util.stream.Collectors.joining("; "));
            out.append("<line class=\"").append(root ? "killmark" : "causemark").append("\" x1=\"").append(fmt(cx)).append("\" x2=\"")
                    .append(fmt(cx)).append("\" y1=\"").append(top).append("\" y2=\"").append(top + plotHeight).append("\"><title>")
                    .append(esc(stamp(entry.getKey().toNanos()) + ": " + words)).append("</title></line>\n");
            label(cx + 4, top + 12, entry.getValue().get(0).kind().words(), "faultlabel");
        }
        if (!rootMarked) {
            incident.rootCause().ifPresent(cause -> {
                double cx = x(cause.at().toNanos());
                out.append("<line class=\"killmark\" x1=\"").append(fmt(cx)).append("\" x2=\"").append(fmt(cx)).append("\" y1=\"")
                        .append(top).append("\" y2=\"").append(top + plotHeight).append("\"/>\n");
                label(cx + 4, top + 12, cause.kind().words(), "faultlabel");
            });
        }
        axis(top + plotHeight, top);
        out.append("</svg>\n<div class=\"legend\">");
        for (int i = 0; i < services.size(); i++) {
            out.append("<span class=\"sw zsw z").append(i % 4).append("\"></span>").append(esc(services.get(i))).append(" % served");
        }
        out.append("<span class=\"sw killsw\"></span>root cause<span class=\"sw causesw\"></span>other cause</div>\n");
        viewFrom = 0;
        viewTo = totalNanos;
    }

    /** Services as boxes, callers left of what they call, coloured by the worst share they left unserved. */
    private void dependencyGraph() {
        List<ServiceReport> services = report.services();
        if (services.isEmpty() || services.size() > MAX_SERVICE_CHARTS) {
            return;
        }
        java.util.Map<String, Integer> depth = new java.util.HashMap<>();
        java.util.Map<String, List<String>> deps = new java.util.HashMap<>();
        for (ServiceReport service : services) {
            deps.put(service.name(), service.dependsOn());
        }
        int maxDepth = 0;
        for (ServiceReport service : services) {
            maxDepth = Math.max(maxDepth, depth(service.name(), deps, depth));
        }
        java.util.Map<String, Double> worst = new java.util.HashMap<>();
        java.util.Set<String> roots = new java.util.HashSet<>();
        for (Incident incident : report.incidents()) {
            worst.merge(incident.service(), incident.unservedPercent(), Math::max);
            roots.add(incident.culprit());
        }
        int[] perColumn = new int[maxDepth + 1];
        java.util.Map<String, int[]> position = new java.util.HashMap<>();
        for (ServiceReport service : services) {
            int column = maxDepth - depth.get(service.name());
            position.put(service.name(), new int[] {column, perColumn[column]++});
        }
        int rows = java.util.Arrays.stream(perColumn).max().orElse(1);
        int boxW = 210;
        int boxH = 40;
        int gapX = Math.min(290, (WIDTH - 40 - boxW) / Math.max(1, maxDepth));
        int height = 20 + rows * 60;
        out.append("<h3>Dependency graph <span class=\"muted\">callers on the left; colour: worst share of requests left")
                .append(" unserved in an incident; thick border: where incidents started</span></h3>\n");
        svgOpen(height, "Dependency graph of the services");
        out.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\"")
                .append(" orient=\"auto\"><path d=\"M0 0 L10 5 L0 10 z\" fill=\"#64748b\"/></marker></defs>\n");
        for (ServiceReport service : services) {
            int[] p = position.get(service.name());
            for (String d : service.dependsOn()) {
                int[] q = position.get(d);
                out.append("<line class=\"edge\" x1=\"").append(20 + p[0] * gapX + boxW).append("\" y1=\"").append(20 + p[1] * 60 + boxH / 2)
                        .append("\" x2=\"").append(20 + q[0] * gapX).append("\" y2=\"").append(20 + q[1] * 60 + boxH / 2)
                        .append("\" marker-end=\"url(#arrow)\"/>\n");
            }
        }
        for (ServiceReport service : services) {
            int[] p = position.get(service.name());
            double unserved = worst.getOrDefault(service.name(), 0.0);
            String tone = unserved == 0 ? "ok" : unserved < 5 ? "minor" : unserved < 50 ? "major" : "severe";
            out.append("<g><rect class=\"node ").append(tone).append(roots.contains(service.name()) ? " root" : "").append("\" x=\"")
                    .append(20 + p[0] * gapX).append("\" y=\"").append(20 + p[1] * 60).append("\" width=\"").append(boxW)
                    .append("\" height=\"").append(boxH).append("\" rx=\"6\"/><text class=\"nodelabel\" x=\"")
                    .append(20 + p[0] * gapX + boxW / 2).append("\" y=\"").append(20 + p[1] * 60 + 17).append("\" text-anchor=\"middle\">")
                    .append(esc(service.name())).append("</text><text class=\"nodesub\" x=\"").append(20 + p[0] * gapX + boxW / 2)
                    .append("\" y=\"").append(20 + p[1] * 60 + 32).append("\" text-anchor=\"middle\">")
                    .append(esc(unserved == 0 ? ReportText.percent(service.availability()) + " available"
                            : ReportText.percent(unserved) + " unserved at worst")).append("</text></g>\n");
        }
        out.append("</svg>\n");
    }

    private static int depth(String service, java.util.Map<String, List<String>> deps, java.util.Map<String, Integer> memo) {
        Integer known = memo.get(service);
        if (known != null) {
            return known;
        }
        int d = 0;
        for (String dependency : deps.getOrDefault(service, List.of())) {
            d = Math.max(d, 1 + depth(dependency, deps, memo));
        }
        memo.put(service, d);
        return d;
    }

    // ------------------------------------------------------------------ drawing

    private void svgOpen(int height, String label) {
        out.append("<svg viewBox=\"0 0 ").append(WIDTH).append(' ').append(height).append("\" role=\"img\" aria-label=\"")
                .append(esc(label)).append("\">\n");
    }

    private void band(long from, long to, int y, int height, String css, String title) {
        double x0 = x(from);
        out.append("<rect class=\"").append(css).append("\" x=\"").append(fmt(x0)).append("\" y=\"").append(y)
                .append("\" width=\"").append(fmt(Math.max(3, x(to) - x0))).append("\" height=\"").append(height)
                .append("\"><title>").append(esc(title)).append("</title></rect>\n");
    }

    private void label(double x, int y, String text, String css) {
        out.append("<text class=\"").append(css).append("\" x=\"").append(fmt(x)).append("\" y=\"").append(y).append("\">")
                .append(esc(text)).append("</text>\n");
    }

    private void killMarks(String group, int top, int height) {
        for (KillRecord kill : report.kills()) {
            if (kill.group().equals(group)) {
                double kx = x(kill.at().toNanos());
                out.append("<line class=\"killmark\" x1=\"").append(fmt(kx)).append("\" x2=\"").append(fmt(kx)).append("\" y1=\"")
                        .append(top).append("\" y2=\"").append(top + height).append("\"/>\n");
            }
        }
    }

    /** The time axis along {@code y}, with grid lines up to {@code top}. */
    private void axis(int y, int top) {
        long fromSeconds = viewFrom / 1_000_000_000L;
        long toSeconds = Math.max(fromSeconds + 1, viewTo / 1_000_000_000L);
        long step = TICK_STEPS[TICK_STEPS.length - 1];
        for (long candidate : TICK_STEPS) {
            if ((toSeconds - fromSeconds) / candidate <= 10) {
                step = candidate;
                break;
            }
        }
        out.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT).append("\" y1=\"").append(y)
                .append("\" y2=\"").append(y).append("\"/>\n");
        // The axis names its unit and zone: schedules are written in local time, the report is in UTC.
        out.append("<text class=\"unit\" x=\"").append(LEFT - 8).append("\" y=\"").append(y + 18)
                .append("\" text-anchor=\"end\">time (UTC)</text>\n");
        for (long s = (fromSeconds + step - 1) / step * step; s <= toSeconds; s += step) {
            double tx = x(s * 1_000_000_000L);
            out.append("<line class=\"grid\" x1=\"").append(fmt(tx)).append("\" x2=\"").append(fmt(tx)).append("\" y1=\"").append(top)
                    .append("\" y2=\"").append(y + 4).append("\"/>\n");
            ZonedDateTime when = at(s * 1_000_000_000L);
            String text = step >= 86_400 || (when.getHour() == 0 && when.getMinute() == 0)
                    ? DAY.format(when) : TIME.format(when);
            out.append("<text class=\"tick\" x=\"").append(fmt(tx)).append("\" y=\"").append(y + 18)
                    .append("\" text-anchor=\"").append(tx < LEFT + 30 ? "start" : tx > LEFT + PLOT - 30 ? "end" : "middle").append("\">").append(esc(text)).append("</text>\n");
        }
    }

    private void yAxis(int top, int height, double yMax, boolean percent) {
        for (int i = 0; i <= 4; i++) {
            double value = yMax * i / 4;
            double py = y(value, yMax, top, height);
            out.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT).append("\" y1=\"")
                    .append(fmt(py)).append("\" y2=\"").append(fmt(py)).append("\"/>\n");
            out.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(py + 4))
                    .append("\" text-anchor=\"end\">").append(ReportNumbers.number(value)).append(percent ? "%" : "")
                    .append("</text>\n");
        }
    }

    private void yAxisRatio(int top, int height, double yMin) {
        out.append("<text class=\"unit\" x=\"").append(LEFT - 6).append("\" y=\"").append(top - 10)
                .append("\" text-anchor=\"end\">% served</text>\n");
        double[] ticks = {yMin, (yMin + 1) / 2, 1};
        for (double value : ticks) {
            double py = ratioY(value, yMin, top, height);
            out.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" x2=\"").append(LEFT + PLOT).append("\" y1=\"")
                    .append(fmt(py)).append("\" y2=\"").append(fmt(py)).append("\"/>\n");
            out.append("<text class=\"tick\" x=\"").append(LEFT - 6).append("\" y=\"").append(fmt(py + 4))
                    .append("\" text-anchor=\"end\">").append(ReportNumbers.number(value * 100)).append("%</text>\n");
        }
    }

    private double x(long nanos) {
        long span = Math.max(1, viewTo - viewFrom);
        return LEFT + PLOT * (double) Math.max(0, Math.min(nanos, viewTo) - viewFrom) / span;
    }

    private static double y(double value, double yMax, int top, int height) {
        return top + height - height * value / yMax;
    }

    private static double ratioY(double value, double yMin, int top, int height) {
        return top + height - height * (Math.max(value, yMin) - yMin) / (1 - yMin);
    }

    private static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 2.5, 4, 5, 8, 10}) {
            if (factor * magnitude >= value) {
                return factor * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static int groupIndex(List<GroupReport> groups, String group) {
        for (int i = 0; i < groups.size(); i++) {
            if (groups.get(i).name().equals(group)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ text

    private ZonedDateTime at(long nanos) {
        return report.start().plusNanos(nanos).atZone(ZoneOffset.UTC);
    }

    String stamp(long nanos) {
        Instant instant = report.start().plusNanos(nanos);
        return STAMP.format(instant.atZone(ZoneOffset.UTC));
    }

    static String verdict(KillRecord kill) {
        return switch (kill.engineVerdict()) {
            case "RECOVERED" -> "recovered (seen after " + kill.engineRecovery().map(ReportText::duration).orElse("?") + ")";
            case "NOT_RECOVERED" -> "NOT_RECOVERED within the recovery timeout";
            case "PENDING" -> "still verifying at the end";
            default -> kill.engineVerdict().toLowerCase(Locale.ROOT);
        };
    }

    static String seconds(double value) {
        return ReportText.duration(value);
    }

    /** One decimal, from the exact value: SVG coordinates with the same text on every JVM. */
    private static String fmt(double value) {
        return new BigDecimal(value).setScale(1, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
    }

    private static String esc(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static final String CSS = """
            :root { --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --good: #15803d; --bad: #b91c1c; --warn: #b45309; }
            * { box-sizing: border-box; }
            body { margin: 0; background: #f8fafc; color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
            main { max-width: 1160px; margin: 0 auto; padding: 24px 28px 40px; }
            h1 { font-size: 26px; margin: 0 0 4px; }
            h2 { font-size: 18px; margin: 0 0 6px; }
            h3 { font-size: 15px; margin: 18px 0 2px; }
            section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 16px 0; }
            .meta, .muted { color: var(--muted); }
            .muted { font-weight: normal; }
            .verdict { display: inline-block; margin: 10px 0 0; padding: 6px 14px; border-radius: 999px; font-weight: 600; }
            .verdict.pass { background: #dcfce7; color: var(--good); }
            .verdict.fail { background: #fee2e2; color: var(--bad); }
            .verdict.neutral { background: #f1f5f9; color: var(--muted); }
            .cards { display: flex; flex-wrap: wrap; gap: 12px; background: none; border: 0; padding: 0; }
            .card { background: #fff; border: 1px solid var(--line); border-left: 4px solid #94a3b8; border-radius: 8px; padding: 10px 14px; min-width: 170px; }
            .card.good { border-left-color: var(--good); } .card.warn { border-left-color: var(--warn); } .card.bad { border-left-color: var(--bad); }
            .card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
            .card .value { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
            .card .sub { color: var(--muted); font-size: 12px; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); }
            th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: .03em; }
            td.num, th.num { text-align: right; } td.num { white-space: nowrap; }
            td.bad, td .bad { color: var(--bad); font-weight: 600; }
            code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
            .pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 700; }
            .pill.pass { background: #dcfce7; color: var(--good); } .pill.fail { background: #fee2e2; color: var(--bad); }
            svg { width: 100%; height: auto; display: block; margin: 4px 0; }
            svg text { font: 11px system-ui, sans-serif; fill: #4b5563; }
            svg .rowlabel { font-size: 12px; font-weight: 600; fill: var(--fg); }
            svg .faultlabel { font-size: 11px; fill: #7c3aed; }
            .axis { stroke: #9ca3af; } .grid { stroke: #eef0f3; } .rowline { stroke: #f1f5f9; }
            .episode { fill: #fdba74; } .episode.open { fill: #ef4444; }
            .kill { fill: #b91c1c; stroke: #b91c1c; stroke-width: 1.5; }
            .refusal { stroke: #475569; stroke-width: 2; fill: none; }
            .killmark { stroke: #b91c1c; stroke-width: 1; stroke-dasharray: 3 3; opacity: .55; }
            .causemark { stroke: #d97706; stroke-width: 1; stroke-dasharray: 2 2; opacity: .7; }
            .fault { fill: #ede9fe; } .capacity { fill: #e0f2fe; } .overload { fill: #ffedd5; }
            .capline { fill: none; stroke: #2563eb; stroke-width: 2; }
            .loadline { fill: none; stroke: #6b7280; stroke-width: 1.5; stroke-dasharray: 5 4; }
            .ratioline { fill: none; stroke: #15803d; stroke-width: 2; }
            .lost { fill: #fecaca; }
            .legend { color: var(--muted); font-size: 12px; margin-top: 6px; }
            .legend .sw { display: inline-block; width: 18px; height: 10px; margin: 0 6px 0 14px; vertical-align: middle; border-radius: 2px; }
            .legend .sw:first-child { margin-left: 0; }
            .sw.episode { background: #fdba74; } .sw.open { background: #ef4444; } .sw.killsw { background: #b91c1c; width: 3px; } .sw.causesw { background: #d97706; width: 3px; }
            .sw.refusalsw { width: auto; height: auto; color: #475569; font-weight: 700; }
            .sw.faultsw { background: #ede9fe; } .sw.capsw { background: #e0f2fe; } .sw.overloadsw { background: #ffedd5; }
            .sw.capline { background: #2563eb; height: 3px; } .sw.loadline { background: #6b7280; height: 2px; }
            .sw.ratioline { background: #15803d; height: 3px; } .sw.lostsw { background: #fecaca; }
            footer { color: var(--muted); font-size: 12px; margin-top: 20px; }
            .story { border-left: 4px solid var(--bad); padding: 2px 0 2px 12px; margin: 12px 0 18px; }
            .story p { margin: 4px 0 6px; font-size: 15px; }
            rect.window { fill: #f0fdf4; } rect.short { fill: #dc2626; } .sw.shortsw { background: #dc2626; height: 5px; } .sw.windowsw { background: #dcfce7; }
            text.unit { font-size: 11px; fill: var(--muted); font-style: italic; }
            .zoomline { fill: none; stroke-width: 2.5; } .zoomline.z0 { stroke: #b91c1c; } .zoomline.z1 { stroke: #2563eb; }
            .zoomline.z2 { stroke: #7c3aed; stroke-dasharray: 6 3; } .zoomline.z3 { stroke: #0f766e; stroke-dasharray: 2 3; }
            .sw.zsw { height: 3px; } .sw.z0 { background: #b91c1c; } .sw.z1 { background: #2563eb; } .sw.z2 { background: #7c3aed; }
            .sw.z3 { background: #0f766e; }
            line.edge { stroke: #64748b; stroke-width: 1.5; }
            rect.node { stroke: #94a3b8; stroke-width: 1.5; } rect.node.ok { fill: #dcfce7; } rect.node.minor { fill: #fef9c3; }
            rect.node.major { fill: #fed7aa; } rect.node.severe { fill: #fecaca; } rect.node.root { stroke: #7f1d1d; stroke-width: 4; }
            text.nodelabel { font-size: 14px; font-weight: 650; fill: var(--fg); } text.nodesub { font-size: 11px; fill: var(--muted); }
            """;
}
