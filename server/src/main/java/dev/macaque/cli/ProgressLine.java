package dev.macaque.cli;

import dev.macaque.simulate.ReportText;
import java.time.Duration;
import java.util.Locale;

/**
 * The simulate command's progress as one line of at most {@value #WIDTH} characters, so that it never wraps in an
 * 80-column terminal: {@code zone-outage  [#########.........]  48%  2.4 of 5 days  1,234 events  56,789/s}. The bar
 * takes whatever the text leaves, never less than {@value #MIN_BAR} characters; a long name is shortened with "…".
 */
final class ProgressLine {
    static final int WIDTH = 79;
    private static final int MIN_BAR = 10;
    private static final int MAX_NAME = 24;

    private ProgressLine() {
    }

    static String render(String name, Duration simulated, Duration total, long events, double wallSeconds) {
        double fraction = total.isZero() ? 1 : Math.min(1, (double) simulated.toNanos() / total.toNanos());
        boolean days = total.compareTo(Duration.ofDays(2)) >= 0;
        double unit = days ? 86_400e9 : 3_600e9;
        String done = String.format(Locale.ROOT, "%.1f of %s %s", simulated.toNanos() / unit,
                trim(total.toNanos() / unit), days ? "days" : "h");
        String rate = wallSeconds > 0 ? "  " + ReportText.count(Math.round(events / wallSeconds)) + "/s" : "";
        String tail = String.format(Locale.ROOT, " %3d%%  %s  %s events%s", Math.round(fraction * 100), done,
                ReportText.count(events), rate);
        String shown = name.length() > MAX_NAME ? name.substring(0, MAX_NAME - 1) + "…" : name;
        int bar = WIDTH - shown.length() - 4 - tail.length();
        if (bar < MIN_BAR && !rate.isEmpty()) {
            tail = tail.substring(0, tail.length() - rate.length());
            bar = WIDTH - shown.length() - 4 - tail.length();
        }
        bar = Math.max(MIN_BAR, bar);
        int filled = (int) Math.round(fraction * bar);
        String line = shown + "  [" + "#".repeat(filled) + ".".repeat(bar - filled) + "]" + tail;
        return line.length() > WIDTH ? line.substring(0, WIDTH) : line;
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }
}
