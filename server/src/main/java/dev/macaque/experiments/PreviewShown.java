package dev.macaque.experiments;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The preview a person was shown before starting a run (the dashboard's Preview, or its confirmation step): kept with
 * the run when the run is exactly the previewed spec, seed included.
 *
 * @param victims the victims the preview showed, in its order
 */
public record PreviewShown(Instant previewedAt, @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = JsonSafeSeed.class) long seed,
        List<RunView.VictimView> victims) {
    public PreviewShown {
        Objects.requireNonNull(previewedAt, "previewedAt");
        victims = List.copyOf(victims);
    }

    /**
     * The previewed victims beside those the run picked.
     *
     * @param sameVictims      whether the run picked exactly the previewed victims; null until it has selected them
     * @param missedVictims    previewed victims the run did not pick (the fleet changed between the preview and the start)
     * @param unforeseenVictims victims the run picked that the preview did not show
     */
    public record Comparison(PreviewShown previewed, Boolean sameVictims, List<RunView.VictimView> missedVictims,
            List<RunView.VictimView> unforeseenVictims) {
    }

    public Comparison against(RunView run) {
        VictimDiff diff = VictimDiff.of(victims, run);
        return new Comparison(this, diff.same(), diff.missed(), diff.unexpected());
    }
}
