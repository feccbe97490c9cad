package dev.macaque.notify;

import dev.macaque.notify.event.NotificationType;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event for the webhooks.
 *
 * @param id   unique per event; every delivery attempt of the event carries it ({@code X-Macaque-Delivery})
 * @param type what happened
 * @param at   when
 * @param text one human-readable line (Slack's {@code text} field)
 * @param data the event's details
 */
public record Notification(String id, NotificationType type, Instant at, String text, Map<String, String> data) {
    public Notification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(text, "text");
        data = Map.copyOf(data);
    }
}
