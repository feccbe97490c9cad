package dev.macaque.notify;

import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunEventData;
import dev.macaque.engine.RunStep;
import dev.macaque.engine.RunVerdict;
import dev.macaque.engine.TerminationStatus;
import dev.macaque.notify.event.NotificationType;
import dev.macaque.text.Durations;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Which engine events the webhooks hear about, and how each reads in one line. */
public final class RunNotifications {
    private RunNotifications() {
    }

    /** As {@link #of(RunEvent, RunVerdict)} for an event that does not end its run. */
    public static Optional<Notification> of(RunEvent event) {
        return of(event, null);
    }

    /**
     * The notification of {@code event}, if webhooks hear of it.
     *
     * @param verdict for the event that ends the run: the run's verdict (it says whether the run went well; the state
     *                alone does not); else null
     */
    public static Optional<Notification> of(RunEvent event, RunVerdict verdict) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", event.runId());
        data.putAll(RunEventData.of(event.step()));
        Map<String, String> fields = new LinkedHashMap<>(event.fields());
        fields.put("runId", event.runId());
        String run = "run " + event.runId();
        RunStep step = event.step();
        if (step instanceof RunStep.RunStarted started) {
            return Optional.of(notification(event, NotificationType.RUN_STARTED, data, fields,
                    "Macaque: " + run + " (" + started.experiment() + ") started" + (started.dryRun() ? " (dry run)" : "")));
        } else if (step instanceof RunStep.RunCompleted) {
            return finished(event, data, fields, run, null, verdict);
        } else if (step instanceof RunStep.RunFailed failed) {
            return finished(event, data, fields, run, failed.reason(), verdict);
        } else if (step instanceof RunStep.RunAborted aborted) {
            return finished(event, data, fields, run, aborted.reason(), verdict);
        } else if (step instanceof RunStep.RunHalted || step instanceof RunStep.RunNotSteady) {
            return finished(event, data, fields, run, null, verdict);
        } else if (step instanceof RunStep.TerminationOutcome outcome) {
            return Optional.of(notification(event, NotificationType.TERMINATION, data, fields,
                    "Macaque: " + outcome(outcome.outcome()) + " " + outcome.instance() + " in " + outcome.group() + " (" + run + ")"));
        } else if (step instanceof RunStep.TerminationFailed failed) {
            return Optional.of(notification(event, NotificationType.TERMINATION, data, fields, "Macaque: could not terminate "
                    + failed.instance() + " in " + failed.group() + ": " + failed.errorMessage() + " (" + run + ")"));
        } else if (step instanceof RunStep.GroupNotRecovered notRecovered) {
            return Optional.of(notification(event, NotificationType.NOT_RECOVERED, data, fields, ":rotating_light: Macaque: group "
                    + notRecovered.group() + " did not recover to " + notRecovered.target() + " healthy within "
                    + Durations.human(notRecovered.timeout()) + " (last seen " + notRecovered.lastHealthy() + ", " + run + ")"));
        }
        return Optional.empty();
    }

    /** How an outcome reads in a sentence: {@code terminated}, {@code would terminate (dry run)}, ... */
    static String outcome(TerminationStatus status) {
        return switch (status) {
            case TERMINATED -> "terminated";
            case ALREADY_TERMINATED -> "already terminated";
            case WOULD_TERMINATE -> "would terminate (dry run)";
            case FAILED -> "could not terminate";
            case ABANDONED -> "abandoned the termination of";
            case IN_PROGRESS -> "terminating";
        };
    }

    private static Optional<Notification> finished(RunEvent event, Map<String, Object> data, Map<String, String> fields,
            String run, String reason, RunVerdict verdict) {
        String state = event.type().name().substring(4);
        data.put("state", state);
        fields.put("state", state);
        if (verdict != null) {
            data.put("verdict", verdict.verdict().name());
            data.put("verdictReason", verdict.reason());
        }
        String text = "Macaque: " + run + " " + state.toLowerCase(Locale.ROOT).replace('_', ' ')
                + (verdict != null ? ", " + verdict.verdict() + ": " + verdict.reason() : reason == null ? "" : ": " + reason);
        return Optional.of(notification(event, NotificationType.RUN_FINISHED, data, fields, text));
    }

    private static Notification notification(RunEvent event, NotificationType type, Map<String, Object> data,
            Map<String, String> fields, String text) {
        return new Notification(UUID.randomUUID().toString(), type, event.time(), text, data, fields);
    }
}
