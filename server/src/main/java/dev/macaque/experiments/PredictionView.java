package dev.macaque.experiments;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.List;

/**
 * What a run of a spec is predicted to do, as the API shows it ({@code prediction} of a preview with
 * {@code "predict": true}) and as it is kept with a run started with {@code "predict": true}: the spec run in virtual
 * time against a snapshot of the live fleet with the run's seed ({@code dev.macaque.simulate.Prediction}).
 *
 * @param provider        the one provider whose fleet was simulated
 * @param takenAt         when the fleet was read
 * @param virtualDuration how much virtual time was simulated (the recovery timeout plus an hour)
 * @param victims         the instances the run is predicted to pick, in kill order (real ids)
 * @param refusals        the kills a guardrail is predicted to refuse
 * @param recoveries      per group killed in, the predicted time to recover and where the group's boot time came from
 * @param caveats         why the real run may differ from the prediction
 */
public record PredictionView(@JsonSerialize(using = JsonSafeSeed.class) long seed, String provider, Instant takenAt,
        String virtualDuration, List<RunView.VictimView> victims, List<PreviewView.WouldRefuseView> refusals,
        List<GroupPrediction> recoveries, List<String> caveats) {

    /**
     * @param predictedRecoverySeconds from the first kill until the group is back at its healthy count; null when it is
     *                                 not back within the simulated time
     * @param bootTimeSource           {@code measured} (the median of this server's recorded times to recover) or
     *                                 {@code default} (never measured here)
     */
    public record GroupPrediction(String group, int kills, Double predictedRecoverySeconds, double bootTimeSeconds,
            String bootTimeSource) {
    }
}
