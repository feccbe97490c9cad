package dev.macaque.notify;

import dev.macaque.notify.event.NotificationType;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event for the webhooks.
 *
 * @param id     unique per event; every delivery attempt of the event carries it ({@code X-Macaque-Delivery})
 * @param type   what happened
 * @param at     when
 * @param text   one human-readable line (Slack's {@code text} field)
 * @param data   the event's details, typed (numbers, booleans, arrays, objects)
 * @param fields the same details as strings, as webhooks carried them before {@code data} was typed; superseded
 */
public record Notification(String id, NotificationType type, Instant at, String text, Map<String, Object> data,
        Map<String, String> fields) {
    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(text, "text");
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
        fields = Map.copyOf(fields);
    }

    /** A notification whose details are all text: {@code data} and {@code fields} alike. */
    public Notification(String id, NotificationType type, Instant at, String text, Map<String, String> fields) {
        this(id, type, at, text, new LinkedHashMap<>(fields), fields);
    }
}
