package dev.macaque.text;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of Macaque's files and APIs: a non-negative whole number followed by a unit, {@code ms},
 * {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}).
 * A day is exactly 24 hours here; calendar days (DST) are the schedule's business, not a duration's.
 */
public final class Durations {
    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the offending text and the expected form
     */
    public static Duration parse(String text) {
        Matcher matcher = SYNTAX.matcher(text == null ? "" : text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; expected a whole number and a unit"
                    + " ms, s, m, h or d, e.g. 500ms, 90s, 15m, 2h, 7d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalStateException("unit matched by the pattern: " + matcher.group(2));
        };
    }

    /** The shortest exact form of {@code duration} in the syntax {@link #parse} reads, e.g. {@code 90s}, {@code 15m}. */
    public static String format(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("negative duration " + duration + " has no textual form");
        }
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0s";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                return millis / sizes[i] + units[i];
            }
        }
        return millis + "ms";
    }

    /**
     * The one form a person reads a duration in, in every sentence (timeline, CLI, notifications, logs): {@code 350 ms},
     * {@code 2 s}, {@code 2.5 s}, {@code 4 min 10 s}, {@code 2 h 5 min}, {@code 3 d 4 h}. Never {@code PT10S}.
     */
    public static String human(Duration duration) {
        long millis = Math.abs(duration.toMillis());
        String sign = duration.isNegative() ? "-" : "";
        if (millis < 1000) {
            return sign + millis + " ms";
        }
        if (millis < 120_000) {
            long tenths = Math.round(millis / 100.0);
            return sign + (tenths % 10 == 0 ? Long.toString(tenths / 10) : tenths / 10 + "." + tenths % 10) + " s";
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 7200) {
            return sign + pair(seconds / 60, "min", seconds % 60, "s");
        }
        long minutes = Math.round(seconds / 60.0);
        if (minutes < 2 * 24 * 60) {
            return sign + pair(minutes / 60, "h", minutes % 60, "min");
        }
        long hours = Math.round(minutes / 60.0);
        return sign + pair(hours / 24, "d", hours % 24, "h");
    }

    private static String pair(long big, String bigUnit, long small, String smallUnit) {
        return big + " " + bigUnit + (small == 0 ? "" : " " + small + " " + smallUnit);
    }
}
