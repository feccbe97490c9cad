package dev.macaque.reports;

import dev.macaque.http.ProblemException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An ISO-8601 week ({@code 2026-W49}): Monday 00:00 UTC to the next Monday. */
public record IsoWeek(int year, int week) {
    private static final Pattern FORMAT = Pattern.compile("([0-9]{4})-W([0-9]{2})");

    public IsoWeek {
        if (year < 1970 || year > 9999) {
            throw invalid(String.format(Locale.ROOT, "%d-W%02d", year, week), "the year must be between 1970 and 9999");
        }
        int weeks = weeksIn(year);
        if (week < 1 || week > weeks) {
            throw invalid(String.format(Locale.ROOT, "%d-W%02d", year, week), year + " has weeks W01 to W" + weeks);
        }
    }

    /** Parses {@code YYYY-Www}; anything else is a 400 problem naming the {@code week} parameter. */
    public static IsoWeek parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw invalid(text.length() > 40 ? text.substring(0, 40) + "…" : text, "write an ISO week as YYYY-Www, e.g. 2026-W49");
        }
        return new IsoWeek(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public static IsoWeek of(Instant at) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        return new IsoWeek(day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    public Instant start() {
        LocalDate monday = LocalDate.of(year, 1, 4).with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, week).with(DayOfWeek.MONDAY);
        return monday.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    public Instant end() {
        return start().plus(java.time.Duration.ofDays(7));
    }

    public IsoWeek previous() {
        return of(start().minusSeconds(1));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d-W%02d", year, week);
    }

    private static int weeksIn(int year) {
        // 4 January is always in week 1; 28 December always in the year's last week
        return LocalDate.of(year, 12, 28).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
    }

    private static ProblemException invalid(String given, String why) {
        return ProblemException.invalid("week '" + given + "' is not an ISO week: " + why, "week", why);
    }
}
