package dev.macaque.text;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one form an instant takes in a sentence (messages, logs, notifications): ISO-8601 in UTC at millisecond
 * precision, {@code 2026-03-02T10:00:00.000Z} — never the nanoseconds of {@link Instant#toString()}.
 */
public final class Instants {
    private static final DateTimeFormatter FORM = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Instants() {
    }

    public static String format(Instant instant) {
        return FORM.format(instant);
    }
}
