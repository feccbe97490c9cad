package dev.macaque.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A run's prediction beside what happened ({@code prediction} of {@code GET /api/v1/experiments/{id}}): whether the run
 * picked the predicted victims, and per group how far the predicted time to recover was from the measured one — the
 * drift of the model from the fleet.
 *
 * @param sameVictims        whether the run picked exactly the predicted victims; null until it has selected them
 * @param missedVictims      predicted victims the run did not pick
 * @param unpredictedVictims victims the run picked that were not predicted
 */
public record PredictedVsActual(PredictionView predicted, Boolean sameVictims, List<RunView.VictimView> missedVictims,
        List<RunView.VictimView> unpredictedVictims, List<RecoveryDrift> recoveries) {

    /**
     * @param actualRecoverySeconds the run's measured time to recover, once the group recovered
     * @param errorSeconds          actual minus predicted (positive: slower than predicted), when both are known
     */
    public record RecoveryDrift(String group, Double predictedRecoverySeconds, Double actualRecoverySeconds, Double errorSeconds,
            String actualStatus) {
    }

    /** Compares {@code predicted} with the run as {@code run} shows it now. */
    static PredictedVsActual of(PredictionView predicted, RunView run) {
        Objects.requireNonNull(predicted, "predicted");
        VictimDiff victims = VictimDiff.of(predicted.victims(), run);
        Map<String, RunView.RecoveryView> measured = run.recoveries().stream()
                .collect(Collectors.toMap(RunView.RecoveryView::group, Function.identity(), (a, b) -> b));
        List<RecoveryDrift> drifts = new ArrayList<>();
        for (PredictionView.GroupPrediction group : predicted.recoveries()) {
            RunView.RecoveryView real = measured.get(group.group());
            Double actualSeconds = real == null ? null : real.timeToRecoverSeconds();
            Double error = actualSeconds == null || group.predictedRecoverySeconds() == null ? null
                    : actualSeconds - group.predictedRecoverySeconds();
            drifts.add(new RecoveryDrift(group.group(), group.predictedRecoverySeconds(), actualSeconds, error,
                    real == null ? null : real.status()));
        }
        return new PredictedVsActual(predicted, victims.same(), victims.missed(), victims.unexpected(), drifts);
    }
}
