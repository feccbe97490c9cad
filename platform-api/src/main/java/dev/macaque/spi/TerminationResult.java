package dev.macaque.spi;

import java.util.Objects;

/**
 * What a termination did.
 *
 * @param group      the group
 * @param instanceId the member
 * @param outcome    what happened
 * @param detail     for people: for a dry run, what was proven and what was not; otherwise what the cloud said
 */
public record TerminationResult(GroupRef group, String instanceId, Outcome outcome, String detail) {

    public TerminationResult {
        Objects.requireNonNull(group, "group");
        GroupRef.requireText(instanceId, "instanceId");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }

    public enum Outcome {
        /** The cloud accepted the termination; the group will replace the member. */
        TERMINATED,
        /** The member was already terminating or gone; nothing was done. */
        ALREADY_TERMINATED,
        /** Dry run: every check that can be made without acting passed; nothing changed. */
        DRY_RUN_WOULD_TERMINATE
    }
}
