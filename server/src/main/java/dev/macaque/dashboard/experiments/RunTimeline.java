package dev.macaque.dashboard.experiments;

import dev.macaque.engine.RunEventFields;
import dev.macaque.engine.RunEventText;
import dev.macaque.engine.RunEventType;
import dev.macaque.engine.RunStep;
import dev.macaque.experiments.RunEventView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A run's events as the timeline of its page shows them: a title per event type, a tone (what kind of step it is),
 * and the event's own fields. Event types this table does not know are still shown, under their own name.
 */
public final class RunTimeline {
    private RunTimeline() {
    }

    /** How a step reads at a glance. */
    public enum Tone {
        INFO, KILL, REFUSAL, GOOD, BAD
    }

    public record Field(String name, String value) {
    }

    public record Entry(long seq, Instant time, String type, String title, Tone tone, List<Field> fields) {
        public String toneClass() {
            return "tone-" + tone.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Label(String title, Tone tone) {
    }

    private static final Map<String, Label> LABELS = Map.ofEntries(
            Map.entry("RUN_CREATED", new Label("Run created", Tone.INFO)),
            Map.entry("RUN_STARTED", new Label("Started", Tone.INFO)),
            Map.entry("PROVIDER_CALL_RETRY", new Label("Provider call retried", Tone.REFUSAL)),
            Map.entry("GROUP_SKIPPED", new Label("Group skipped", Tone.REFUSAL)),
            Map.entry("GROUPS_DISCOVERED", new Label("Groups discovered", Tone.INFO)),
            Map.entry("ZONE_SELECTED", new Label("Zone outage planned", Tone.INFO)),
            Map.entry("VICTIMS_SELECTED", new Label("Victims selected", Tone.INFO)),
            Map.entry("TERMINATION_REFUSED", new Label("Termination refused", Tone.REFUSAL)),
            Map.entry("TERMINATION_INTENT", new Label("Termination intent recorded", Tone.KILL)),
            Map.entry("TERMINATION_OUTCOME", new Label("Termination outcome", Tone.KILL)),
            Map.entry("TERMINATION_FAILED", new Label("Termination failed", Tone.BAD)),
            Map.entry("TERMINATION_ABANDONED", new Label("Termination abandoned", Tone.REFUSAL)),
            Map.entry("TERMINATION_RECONCILED", new Label("Termination reconciled after a restart", Tone.REFUSAL)),
            Map.entry("VERIFICATION_STARTED", new Label("Verifying recovery", Tone.INFO)),
            Map.entry("HEALTH_CHECKED", new Label("Health checked", Tone.INFO)),
            Map.entry("HEALTH_CHECK_FAILED", new Label("Health check failed", Tone.BAD)),
            Map.entry("GROUP_RECOVERED", new Label("Group recovered", Tone.GOOD)),
            Map.entry("GROUP_NOT_RECOVERED", new Label("Group NOT recovered", Tone.BAD)),
            Map.entry("RUN_COMPLETED", new Label("Completed", Tone.GOOD)),
            Map.entry("RUN_FAILED", new Label("Failed", Tone.BAD)),
            Map.entry("RUN_ABORTED", new Label("Aborted", Tone.REFUSAL)),
            Map.entry("STEADY_AGAIN", new Label("Steady again", Tone.GOOD)),
            Map.entry("RUN_NOT_STEADY", new Label("Not steady before the first kill", Tone.REFUSAL)),
            Map.entry("RUN_HALTED", new Label("Halted by a probe", Tone.BAD)));

    public static Entry entry(RunEventView event) {
        Label label = LABELS.getOrDefault(event.type(), new Label(event.type(), Tone.INFO));
        if (event.type().equals("PROBE_EVALUATED")) {
            boolean passed = "true".equals(event.fields().get("passed"));
            label = new Label("Probe " + event.fields().get("probe") + (passed ? " passed" : " failed"), passed ? Tone.GOOD : Tone.BAD);
        }
        List<Field> fields = humanFields(event);
        return new Entry(event.seq(), event.time(), event.type(), label.title(), label.tone(), fields);
    }

    /** The step's values as people read them ({@link RunEventText}); an event type this server does not know, as stored. */
    static List<Field> humanFields(RunEventView event) {
        try {
            RunStep step = RunEventFields.read(RunEventType.valueOf(event.type()), event.fields());
            return RunEventText.fields(step).stream().map(f -> new Field(f.name(), f.value())).toList();
        } catch (IllegalArgumentException e) {
            return event.fields().entrySet().stream().map(e2 -> new Field(e2.getKey(), e2.getValue())).toList();
        }
    }
}
