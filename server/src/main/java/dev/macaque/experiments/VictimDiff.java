package dev.macaque.experiments;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Victims a run was expected to pick (predicted, or previewed) against those it picked.
 *
 * @param same       whether it picked exactly the expected victims; null until it has selected them
 * @param missed     expected victims it did not pick
 * @param unexpected victims it picked that were not expected
 */
record VictimDiff(Boolean same, List<RunView.VictimView> missed, List<RunView.VictimView> unexpected) {
    static VictimDiff of(List<RunView.VictimView> expected, RunView run) {
        // victims are selected once, right after the run starts: it has them, or it ended without any
        boolean selected = !run.victims().isEmpty() || ExperimentService.isTerminal(run.state());
        if (!selected) {
            return new VictimDiff(null, List.of(), List.of());
        }
        Set<RunView.VictimView> wanted = new LinkedHashSet<>(expected);
        Set<RunView.VictimView> actual = new LinkedHashSet<>(run.victims());
        List<RunView.VictimView> missed = expected.stream().filter(v -> !actual.contains(v)).toList();
        List<RunView.VictimView> unexpected = run.victims().stream().filter(v -> !wanted.contains(v)).toList();
        return new VictimDiff(missed.isEmpty() && unexpected.isEmpty(), missed, unexpected);
    }
}
