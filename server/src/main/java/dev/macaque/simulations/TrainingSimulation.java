package dev.macaque.simulations;

import java.time.Instant;
import java.util.Objects;

/**
 * One simulation the server ran (or runs) for training, as the API shows it.
 *
 * @param state    {@code QUEUED}, {@code RUNNING}, {@code COMPLETED} (it ran; {@code passed} says whether every hypothesis
 *                 held) or {@code FAILED} (it could not finish: {@code error} says why)
 * @param passed   whether every hypothesis held, once COMPLETED
 * @param error    why it FAILED
 */
public record TrainingSimulation(String id, String scenario, long seed, String state, String createdBy, Instant createdAt,
                                 Instant finishedAt, Boolean passed, String error, Integer hypotheses, Integer hypothesesFailed,
                                 Integer incidents) {
    public TrainingSimulation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
    }
}
