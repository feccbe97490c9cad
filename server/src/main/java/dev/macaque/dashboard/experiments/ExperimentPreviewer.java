package dev.macaque.dashboard.experiments;

import com.fasterxml.jackson.databind.JsonNode;
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

    record Preview(long seed, List<String> eligibleGroups, List<Exclusion> excluded, List<String> victims) {
    }

    record Exclusion(String group, String reason) {
    }
}
