package dev.macaque.notify;

import dev.macaque.notify.event.NotificationType;
import dev.macaque.engine.RunEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Which engine events the webhooks hear about, and how each reads in one line. */
public final class RunNotifications {
    private RunNotifications() {
    }

    public static Optional<Notification> of(RunEvent event) {
        Map<String, String> data = new LinkedHashMap<>(event.fields());
        data.put("runId", event.runId());
        String run = "run " + event.runId();
        return switch (event.type()) {
            case RUN_STARTED -> Optional.of(notification(event, NotificationType.RUN_STARTED, data,
                    "Macaque: " + run + " (" + event.field("experiment") + ") started" + dry(event)));
            case RUN_COMPLETED, RUN_FAILED, RUN_ABORTED -> {
                data.put("state", event.type().name().substring(4));
                String reason = event.field("reason");
                yield Optional.of(notification(event, NotificationType.RUN_FINISHED, data, "Macaque: " + run + " "
                        + event.type().name().substring(4).toLowerCase(java.util.Locale.ROOT) + (reason == null ? "" : ": " + reason)));
            }
            case TERMINATION_OUTCOME -> Optional.of(notification(event, NotificationType.TERMINATION, data, "Macaque: "
                    + event.field("outcome") + " " + event.field("instance") + " in " + event.field("group") + " (" + run + ")"));
            case TERMINATION_FAILED -> Optional.of(notification(event, NotificationType.TERMINATION, data, "Macaque: could not terminate "
                    + event.field("instance") + " in " + event.field("group") + ": " + event.field("errorMessage") + " (" + run + ")"));
            case GROUP_NOT_RECOVERED -> Optional.of(notification(event, NotificationType.NOT_RECOVERED, data, ":rotating_light: Macaque: group "
                    + event.field("group") + " did not recover to " + event.field("target") + " healthy within " + event.field("timeout")
                    + " (last seen " + event.field("lastHealthy") + ", " + run + ")"));
            default -> Optional.empty();
        };
    }

    private static String dry(RunEvent event) {
        return "true".equals(event.field("dryRun")) ? " (dry run)" : "";
    }

    private static Notification notification(RunEvent event, NotificationType type, Map<String, String> data, String text) {
        return new Notification(UUID.randomUUID().toString(), type, event.time(), text, data);
    }
}
