package dev.macaque.notify;

import dev.macaque.notify.event.NotificationType;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunStep;
import dev.macaque.text.Durations;
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
        RunStep step = event.step();
        if (step instanceof RunStep.RunStarted started) {
            return Optional.of(notification(event, NotificationType.RUN_STARTED, data,
                    "Macaque: " + run + " (" + started.experiment() + ") started" + (started.dryRun() ? " (dry run)" : "")));
        } else if (step instanceof RunStep.RunCompleted) {
            return finished(event, data, run, null);
        } else if (step instanceof RunStep.RunFailed failed) {
            return finished(event, data, run, failed.reason());
        } else if (step instanceof RunStep.RunAborted aborted) {
            return finished(event, data, run, aborted.reason());
        } else if (step instanceof RunStep.TerminationOutcome outcome) {
            return Optional.of(notification(event, NotificationType.TERMINATION, data,
                    "Macaque: " + outcome.outcome() + " " + outcome.instance() + " in " + outcome.group() + " (" + run + ")"));
        } else if (step instanceof RunStep.TerminationFailed failed) {
            return Optional.of(notification(event, NotificationType.TERMINATION, data, "Macaque: could not terminate "
                    + failed.instance() + " in " + failed.group() + ": " + failed.errorMessage() + " (" + run + ")"));
        } else if (step instanceof RunStep.GroupNotRecovered notRecovered) {
            return Optional.of(notification(event, NotificationType.NOT_RECOVERED, data, ":rotating_light: Macaque: group "
                    + notRecovered.group() + " did not recover to " + notRecovered.target() + " healthy within "
                    + Durations.format(notRecovered.timeout()) + " (last seen " + notRecovered.lastHealthy() + ", " + run + ")"));
        }
        return Optional.empty();
    }

    private static Optional<Notification> finished(RunEvent event, Map<String, String> data, String run, String reason) {
        String state = event.type().name().substring(4);
        data.put("state", state);
        return Optional.of(notification(event, NotificationType.RUN_FINISHED, data, "Macaque: " + run + " "
                + state.toLowerCase(java.util.Locale.ROOT) + (reason == null ? "" : ": " + reason)));
    }

    private static Notification notification(RunEvent event, NotificationType type, Map<String, String> data, String text) {
        return new Notification(UUID.randomUUID().toString(), type, event.time(), text, data);
    }
}
