package dev.macaque.dashboard.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.experiments.RunView;
import java.util.List;

/**
 * The slot for the target-preview service ({@code POST /api/v1/experiments/preview}): when one is bound (Guice
 * {@code OptionalBinder}), the New-experiment page shows a {@code Preview} button that asks it which groups are
 * eligible, which are excluded and why, and which victims this seed picks, before anything is started. Unbound, the
 * page says that previews are not available and offers Start only.
 */
public interface ExperimentPreviewer {
    /** Throws {@code SpecValidationException} for an invalid spec, exactly as starting it would. */
    Preview preview(JsonNode spec);

    /**
     * @param dryRun        whether the run would terminate nothing (the spec says so, or the server is leashed for it)
     * @param leashed       the server would force the run to a dry run because it may reach a leashed cloud provider
     * @param wouldBeRefused how many of the victims the guardrails would refuse now
     */
    record Preview(long seed, boolean dryRun, boolean leashed, List<String> eligibleGroups, List<Exclusion> excluded,
            List<RunView.VictimView> victims, int wouldBeRefused) {
        /** The victims by group, in the order the preview lists them: what a confirmation says will be terminated. */
        public java.util.Map<String, List<String>> victimsByGroup() {
            java.util.Map<String, List<String>> byGroup = new java.util.LinkedHashMap<>();
            victims.forEach(v -> byGroup.computeIfAbsent(v.group(), g -> new java.util.ArrayList<>()).add(v.instanceId()));
            return byGroup;
        }
    }

    record Exclusion(String group, String reason) {
    }
}
