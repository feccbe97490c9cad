package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.util.Objects;

/**
 * One termination the run attempted (after the guardrails allowed it).
 *
 * @param group        the group
 * @param instanceId   the instance
 * @param dryRun       whether it was a dry run
 * @param status       how it ended
 * @param attempts     provider calls made
 * @param intentAt     when the intent was recorded
 * @param finishedAt   when the outcome was recorded, or {@code null} while in progress
 * @param detail       what the provider said, or empty
 * @param errorKind    the provider error's kind ({@code ProviderException.Kind} name, or {@code UNEXPECTED}) when it
 *                     failed or was abandoned after a failure, else {@code null}
 * @param errorMessage the provider error's message, else {@code null}
 */
public record TerminationRecord(GroupRef group, String instanceId, boolean dryRun, TerminationStatus status, int attempts,
                                Instant intentAt, Instant finishedAt, String detail, String errorKind, String errorMessage) {
    public TerminationRecord {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(intentAt, "intentAt");
        Objects.requireNonNull(detail, "detail");
    }
}
