package dev.macaque.simulate;

import dev.macaque.schedule.ScheduleWindow;
import dev.macaque.simulate.Incident.RootCause;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The words and number formats of reports, in one place so that every page and the command line print a value the
 * same way: numbers with six significant digits ({@link ReportNumbers#number}), counts with thousands separators,
 * durations as {@code 49.7 s}, {@code 24 min 16 s} or {@code 3 h 5 min}, times as {@code Thu 1 Jan 13:00 UTC}.
 */
public final class ReportText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private ReportText() {
    }

    /** {@code 4,854,617}. */
    public static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** {@code 99.9583%}. */
    public static String percent(double value) {
        return ReportNumbers.number(value) + "%";
    }

    /** One duration format: under a minute {@code 49.7 s}, under an hour {@code 24 min 16 s}, else {@code 3 h 5 min}. */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "–";
        }
        if (Double.isInfinite(seconds)) {
            return "never";
        }
        if (seconds < 59.95) {
            return new java.math.BigDecimal(seconds).setScale(1, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros()
                    .toPlainString() + " s";
        }
        long whole = Math.round(seconds);
        long hours = whole / 3600;
        long minutes = whole % 3600 / 60;
        long rest = whole % 60;
        return hours > 0 ? hours + " h " + minutes + " min" : minutes + " min " + rest + " s";
    }

    public static String duration(Duration duration) {
        return duration(duration.toNanos() / 1e9);
    }

    /** {@code Thu 1 Jan 13:00 UTC}. */
    public static String time(Instant start, Duration since) {
        return TIME.format(start.plus(since).atZone(ZoneOffset.UTC)) + " UTC";
    }

    /** {@code MON-FRI 10:00-16:00 Europe/Paris}. */
    public static String window(ScheduleWindow window) {
        List<DayOfWeek> days = window.weekdays().stream().sorted().toList();
        String dayText = days.equals(List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) ? "MON-FRI" : days.stream().map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ENGLISH)
                .toUpperCase(Locale.ROOT)).collect(Collectors.joining(","));
        return dayText + " " + CLOCK.format(window.from()) + "-" + CLOCK.format(window.to()) + " " + window.zone().getId();
    }

    /** An incident of an overloaded service with the incidents it caused in its callers at the same moment. */
    public record IncidentStory(Incident culprit, List<Incident> dependents) {
        public IncidentStory {
            dependents = List.copyOf(dependents);
        }
    }

    /** The incidents grouped as stories: one per incident of an overloaded service, in start order. */
    public static List<IncidentStory> stories(List<Incident> incidents) {
        List<IncidentStory> stories = new ArrayList<>();
        for (Incident incident : incidents) {
            if (incident.path().size() == 1) {
                stories.add(new IncidentStory(incident, incidents.stream().filter(d -> d != incident
                        && d.culprit().equals(incident.service()) && d.start().equals(incident.start())).toList()));
            }
        }
        return stories;
    }

    /**
     * The story of an incident of its culprit service, with the incidents it caused along {@code dependsOn}:
     * "db lost 1 of 2 members at Thu 1 Jan 13:00 UTC (engine kill); load 560 req/s over capacity 300 req/s → overloaded;
     * 2 crashes from 13:03; db served 44% until 13:24; api and web, which depend on db, served 44% until 13:24."
     */
    public static String narrative(Instant start, Incident culprit, List<Incident> dependents) {
        List<String> parts = new ArrayList<>();
        String service = culprit.service();
        if (culprit.rootCause().isPresent()) {
            RootCause cause = culprit.rootCause().get();
            if (cause.kind() == Incident.CauseKind.LAUNCH_CAPACITY_ERROR) {
                parts.add(cause.group() + " had lost " + cause.lost() + " of " + cause.before() + " members and could not launch"
                        + " replacements from " + time(start, cause.at()) + " (launch capacity error)");
            } else {
                parts.add(cause.group() + " lost " + cause.lost() + " of " + cause.before() + (cause.before() == 1 ? " member" : " members")
                        + " at " + time(start, cause.at()) + " (" + cause.kind().words()
                        + cause.instance().map(i -> " of " + i).orElse("") + ")");
            }
        } else {
            parts.add("no member of " + service + "'s group was lost: its load exceeded the group's full capacity");
        }
        if (!Double.isNaN(culprit.culpritLoad())) {
            parts.add("load " + rate(culprit.culpritLoad()) + " over capacity " + rate(culprit.culpritCapacity()) + " → overloaded");
        }
        if (culprit.crashes() > 0) {
            parts.add(culprit.crashes() + (culprit.crashes() == 1 ? " crash" : " crashes") + " from "
                    + clock(start, culprit.firstCrash().orElseThrow()));
        }
        parts.add(service + " served " + served(culprit) + until(start, culprit));
        if (!dependents.isEmpty()) {
            List<String> names = dependents.stream().map(Incident::service).toList();
            String who = names.size() == 1 ? names.get(0) : String.join(", ", names.subList(0, names.size() - 1)) + " and "
                    + names.get(names.size() - 1);
            boolean same = dependents.stream().allMatch(d -> served(d).equals(served(dependents.get(0)))
                    && until(start, d).equals(until(start, dependents.get(0))));
            String verb = names.size() == 1 ? "depends" : "depend";
            parts.add(who + ", which " + verb + " on " + service + (names.size() == 1 || !same ? "" : " (directly or not)")
                    + ", served " + (same ? served(dependents.get(0)) + until(start, dependents.get(0))
                    : dependents.stream().map(d -> d.service() + " " + served(d) + until(start, d)).collect(Collectors.joining(", "))));
        }
        return String.join("; ", parts) + ".";
    }

    /** Requests per second: whole numbers from 10 up, where decimals are noise. */
    public static String rate(double perSecond) {
        return (perSecond >= 10 ? count(Math.round(perSecond)) : ReportNumbers.number(perSecond)) + " req/s";
    }

    private static String served(Incident incident) {
        return Math.round(100 - incident.unservedPercent()) + "%";
    }

    private static String until(Instant start, Incident incident) {
        return incident.end().map(end -> " until " + clock(start, end) + " (" + duration(end.minus(incident.start())) + ")")
                .orElse(" to the end of the run");
    }

    private static String clock(Instant start, Duration since) {
        return CLOCK.format(start.plus(since).atZone(ZoneOffset.UTC));
    }

    /**
     * The steady-state part of a report as plain text: per run with probes, where a probe stopped it and each probe's
     * timeline ({@code +} passed, {@code x} failed, one mark per evaluation); then, per service, the unavailability
     * with the probes and with the same seed without them. Empty when no experiment had probes.
     */
    public static String steadyState(SteadyStateReport report) {
        if (report.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("Steady state\n");
        for (SteadyStateReport.ProbeTimeline run : report.runs()) {
            out.append("  run ").append(run.run()).append(" (").append(run.experiment()).append("): ").append(run.state());
            if (run.haltedBy() != null) {
                out.append(run.state().equals("NOT_STEADY") ? ", not steady at " : ", halted at ")
                        .append(duration(run.haltedAt())).append(" by probe ").append(run.haltedBy())
                        .append(" (observed ").append(run.observed()).append("), ").append(run.spared())
                        .append(run.spared() == 1 ? " victim spared" : " victims spared");
            }
            out.append('\n');
            java.util.Map<String, StringBuilder> marks = new java.util.LinkedHashMap<>();
            java.util.Map<String, SteadyStateReport.Evaluation> firstFailure = new java.util.LinkedHashMap<>();
            for (SteadyStateReport.Evaluation e : run.evaluations()) {
                marks.computeIfAbsent(e.probe(), p -> new StringBuilder()).append(e.passed() ? '+' : 'x');
                if (!e.passed()) {
                    firstFailure.putIfAbsent(e.probe(), e);
                }
            }
            marks.forEach((probe, line) -> {
                out.append("    ").append(probe).append(' ').append(line);
                SteadyStateReport.Evaluation failed = firstFailure.get(probe);
                if (failed != null) {
                    out.append("  (first failure at ").append(duration(failed.at())).append(": ").append(failed.observed()).append(')');
                }
                out.append('\n');
            });
            if (run.omitted() > 0) {
                out.append("    ... ").append(count(run.omitted())).append(" more evaluations in report.json\n");
            }
        }
        out.append("  unavailability (requests not served), with the probes vs the same seed without them:\n");
        for (SteadyStateReport.Comparison c : report.comparison()) {
            out.append("    ").append(c.service()).append(": ").append(count(Math.round(c.unservedRequests()))).append(" vs ")
                    .append(count(Math.round(c.unservedWithoutProbes()))).append(" (availability ")
                    .append(percent(c.availabilityPercent())).append(" vs ").append(percent(c.availabilityWithoutProbes()))
                    .append("); the probes avoided ").append(count(Math.round(c.avoidedUnservedRequests())))
                    .append(" unserved requests\n");
        }
        return out.toString();
    }
}
