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
import java.util.Optional;
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

    /**
     * The incidents grouped as stories: one per incident of a service whose own factor started it (its path is just
     * itself), or whose culprit had no incident beginning at the same moment, with the incidents of its callers that
     * began then. In start order.
     */
    public static List<IncidentStory> stories(List<Incident> incidents) {
        List<IncidentStory> stories = new ArrayList<>();
        for (Incident incident : incidents) {
            boolean head = incident.path().size() == 1 || incidents.stream().noneMatch(c -> c.service().equals(incident.culprit())
                    && c.start().equals(incident.start()));
            if (head) {
                stories.add(new IncidentStory(incident, incidents.stream().filter(d -> d != incident && d.path().size() > 1
                        && d.culprit().equals(incident.service()) && d.start().equals(incident.start())).toList()));
            }
        }
        return stories;
    }

    /** Losses listed one by one in a story; more are counted. */
    private static final int MAX_LOSSES_TOLD = 6;

    /**
     * The story of an incident whose own capacity started it, with the incidents it caused in its callers. Every
     * number is one of the model's: each loss with the capacity it left against the load at that moment, in time
     * order; crashes counted; the share served; each caller with the share it served and, when its own capacity
     * fell too, that factor:
     * "web lost 1 of 4 members at Thu 1 Jan 13:00 UTC (engine kill of web-3): 600 ≥ 539 req/s, still enough; then 1
     * more at 13:02 (engine kill of web-1): 400 < 539 req/s → web served 74% until 13:10 (8 min 10 s)."
     */
    public static String narrative(Instant start, Incident culprit, List<Incident> dependents) {
        String service = culprit.service();
        StringBuilder story = new StringBuilder(losses(start, culprit, culprit.causes().stream()
                .filter(c -> c.service().equals(culprit.culprit())).toList(), culprit.culprit(), true));
        story.append(" → ").append(service).append(" served ").append(served(culprit)).append(until(start, culprit));
        if (culprit.path().size() > 1) {
            story.append(", through ").append(String.join(" → ", culprit.path()));
        }
        List<Incident> plain = new ArrayList<>();
        List<Incident> ownToo = new ArrayList<>();
        for (Incident d : dependents) {
            (ownShortfall(d).isEmpty() ? plain : ownToo).add(d);
        }
        if (!plain.isEmpty()) {
            List<String> names = plain.stream().map(Incident::service).toList();
            boolean same = plain.stream().allMatch(d -> served(d).equals(served(plain.get(0)))
                    && until(start, d).equals(until(start, plain.get(0))));
            boolean direct = plain.stream().allMatch(d -> d.path().size() == 2);
            story.append("; ").append(and(names)).append(", which ").append(names.size() == 1 ? "depends" : "depend").append(" on ")
                    .append(service).append(direct ? "" : names.size() == 1 ? " through " + String.join(" → ",
                            plain.get(0).path().subList(1, plain.get(0).path().size() - 1)) : " (directly or not)")
                    .append(", served ").append(same ? served(plain.get(0)) + until(start, plain.get(0))
                            : plain.stream().map(d -> d.service() + " " + served(d) + until(start, d)).collect(Collectors.joining(", ")));
        }
        for (Incident d : ownToo) {
            String via = d.path().get(d.path().size() - 2);
            story.append("; ").append(d.service()).append(" served ").append(served(d)).append(until(start, d)).append(": ")
                    .append(via).append(" served ").append(dependencyShare(culprit, dependents, via)).append(" of its calls, and ")
                    .append(d.service()).append("'s own capacity fell too: ")
                    .append(losses(start, d, ownShortfall(d), d.service(), false).replaceFirst("^[^ ]+ lost", "lost"));
        }
        return story.append('.').toString();
    }

    /** The causes that lowered {@code d}'s own factor, other than crashes. */
    private static List<Incident.Cause> ownShortfall(Incident d) {
        return d.causesOf(d.service()).stream().filter(c -> c.kind() != Incident.CauseKind.OVERLOAD_CRASH).toList();
    }

    private static String dependencyShare(Incident culprit, List<Incident> dependents, String service) {
        if (culprit.service().equals(service)) {
            return served(culprit);
        }
        return dependents.stream().filter(d -> d.service().equals(service)).findFirst().map(ReportText::served).orElse("less");
    }

    /** Each loss of {@code service}'s own capacity in time order, crashes counted, or why there was none. */
    private static String losses(Instant start, Incident incident, List<Incident.Cause> causes, String service, boolean head) {
        List<String> parts = new ArrayList<>();
        List<Incident.Cause> told = causes.stream().filter(c -> c.kind() != Incident.CauseKind.OVERLOAD_CRASH).toList();
        Optional<RootCause> root = head ? incident.rootCause() : Optional.empty();
        Optional<RootCause> capacityError = root.filter(r -> r.kind() == Incident.CauseKind.LAUNCH_CAPACITY_ERROR);
        boolean capacityErrorTold = false;
        String group = null;
        for (int i = 0; i < Math.min(told.size(), MAX_LOSSES_TOLD); i++) {
            Incident.Cause c = told.get(i);
            if (capacityError.isPresent() && !capacityErrorTold && capacityError.get().at().compareTo(c.at()) < 0) {
                parts.add("its replacements could not launch from " + clock(start, capacityError.get().at()) + " (launch capacity error)");
                capacityErrorTold = true;
            }
            String what = " (" + c.kind().words() + c.instance().map(x -> " of " + x).orElse("") + "): "
                    + rate(c.capacityAfter()).replace(" req/s", "") + (c.crossed() ? " < " : " ≥ ") + rate(c.load())
                    + (c.crossed() ? head ? "" : ", " + servedShare(100 - 100 * c.capacityAfter() / c.load()) + " of its load"
                    : ", still enough");
            if (c.group().equals(group)) {
                parts.add("then " + c.lost() + " more at " + clock(start, c.at()) + what);
            } else {
                parts.add(c.group() + " lost " + c.lost() + " of " + c.membersBefore() + (c.membersBefore() == 1 ? " member" : " members")
                        + " at " + time(start, c.at()) + what);
            }
            group = c.group();
        }
        if (told.size() > MAX_LOSSES_TOLD) {
            parts.add("and " + (told.size() - MAX_LOSSES_TOLD) + " more losses (report.json lists them)");
        }
        if (capacityError.isPresent() && !capacityErrorTold) {
            parts.add("its replacements could not launch from " + clock(start, capacityError.get().at()) + " (launch capacity error)");
        }
        if (!head) {
            return String.join("; ", parts);
        }
        if (told.isEmpty()) {
            parts.add("no member of " + service + "'s group was lost: its load " + rate(incident.culpritLoad())
                    + " exceeded its full capacity " + rate(incident.culpritCapacity()).replace(" req/s", "") + " req/s");
        } else if (root.isPresent() && !root.get().at().equals(incident.start()) && capacityError.isEmpty()
                && incident.culpritLoad() > incident.culpritCapacity() && told.stream().noneMatch(c -> c.at().equals(incident.start()))) {
            parts.add("the load rose to " + rate(incident.culpritLoad()) + " at " + clock(start, incident.start()) + ", above "
                    + rate(incident.culpritCapacity()));
        }
        if (incident.crashes() > 0) {
            parts.add(incident.crashes() + (incident.crashes() == 1 ? " overload crash" : " overload crashes") + " from "
                    + clock(start, incident.firstCrash().orElseThrow()));
        }
        return String.join("; ", parts);
    }

    private static String and(List<String> names) {
        return names.size() == 1 ? names.get(0) : String.join(", ", names.subList(0, names.size() - 1)) + " and "
                + names.get(names.size() - 1);
    }

    /** Requests per second: whole numbers from 10 up, where decimals are noise. */
    public static String rate(double perSecond) {
        return (perSecond >= 10 ? count(Math.round(perSecond)) : ReportNumbers.number(perSecond)) + " req/s";
    }

    /**
     * The share of requests served, so that any loss shows: {@code 74%}, {@code 99.7%} (not 100%), {@code >99.9%
     * (<0.1% unserved)}, {@code 0.3%} or {@code <0.1%} (not 0%).
     */
    public static String servedShare(double unservedPercent) {
        double served = 100 - unservedPercent;
        if (unservedPercent <= 0) {
            return "100%";
        }
        if (unservedPercent < 0.1) {
            return ">99.9% (<0.1% unserved)";
        }
        if (unservedPercent < 0.5) {
            return new java.math.BigDecimal(served).setScale(1, java.math.RoundingMode.FLOOR).toPlainString() + "%";
        }
        if (served <= 0) {
            return "0%";
        }
        if (served < 0.1) {
            return "<0.1%";
        }
        if (served < 0.5) {
            return new java.math.BigDecimal(served).setScale(1, java.math.RoundingMode.CEILING).toPlainString() + "%";
        }
        return Math.round(served) + "%";
    }

    private static String served(Incident incident) {
        return servedShare(incident.unservedPercent());
    }

    private static String until(Instant start, Incident incident) {
        return incident.end().map(end -> " until " + clock(start, end) + " (" + duration(end.minus(incident.start())) + ")")
                .orElse(" to the end of the run");
    }

    private static String clock(Instant start, Duration since) {
        return CLOCK.format(start.plus(since).atZone(ZoneOffset.UTC));
    }

    /**
     * One line per run a probe stopped, for the terminal summary: "run sim-0-1 (checkout-chaos) HALTED at Thu 1 Jan
     * 13:02 UTC by probe checkout-ok (observed 74.268%), 1 victim spared; web 99.9205% with the probes vs 99.7584%
     * without (138,622 unserved requests avoided)".
     */
    public static List<String> halts(Instant start, SteadyStateReport report) {
        List<String> lines = new ArrayList<>();
        for (SteadyStateReport.ProbeTimeline run : report.runs()) {
            if (run.haltedBy() == null) {
                continue;
            }
            StringBuilder line = new StringBuilder("run ").append(run.run()).append(" (").append(run.experiment()).append(") ")
                    .append(run.state().equals("NOT_STEADY") ? "NOT STEADY" : run.state()).append(" at ")
                    .append(time(start, run.haltedAt())).append(" by probe ").append(run.haltedBy()).append(" (observed ")
                    .append(run.observed()).append("), ").append(run.spared()).append(run.spared() == 1 ? " victim spared" : " victims spared");
            for (SteadyStateReport.Comparison c : report.comparison()) {
                line.append("; ").append(c.service()).append(' ').append(percent(c.availabilityPercent())).append(" with the probes vs ")
                        .append(percent(c.availabilityWithoutProbes())).append(" without (")
                        .append(count(Math.round(c.avoidedUnservedRequests()))).append(" unserved requests avoided)");
            }
            lines.add(line.toString());
        }
        return lines;
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
