package dev.macaque.dashboard;

import dev.macaque.text.Durations;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the templates write times, durations and URL parts. Times are UTC, and say so. */
public final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private Format() {
    }

    public static String time(Instant instant) {
        return instant == null ? "–" : TIME.format(instant);
    }

    public static String time(FileTime time) {
        return time == null ? "–" : TIME.format(time.toInstant());
    }

    /** Just the time of day, for timeline entries. */
    public static String clock(Instant instant) {
        return instant == null ? "" : CLOCK.format(instant);
    }

    /** The machine-readable form for {@code <time datetime>}. */
    public static String iso(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    /** A number of seconds as every sentence of the product writes durations ({@link Durations#human}). */
    public static String seconds(Double seconds) {
        if (seconds == null) {
            return "–";
        }
        return Durations.human(java.time.Duration.ofMillis(Math.round(seconds * 1000)));
    }

    /** "as of 12 s ago" (or "as of 3 min 5 s ago"), empty when nothing was read. */
    public static String asOf(AsOf asOf) {
        return asOf == null || asOf.observedAt() == null ? "" : "as of " + seconds((double) asOf.age().toSeconds()) + " ago";
    }

    /** One path segment, encoded. */
    public static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query parameter value, encoded. */
    public static String query(String value) {
        return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public static String orDash(Object value) {
        return value == null ? "–" : value.toString();
    }

    /** A group id {@code provider/region/name} as the path of its fleet page. */
    public static String groupPath(String groupId) {
        String[] parts = groupId.split("/", 3);
        if (parts.length < 3) {
            return "/fleet";
        }
        return "/fleet/" + path(parts[0]) + "/" + path(parts[1]) + "/" + path(parts[2]);
    }

    public static String lower(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
