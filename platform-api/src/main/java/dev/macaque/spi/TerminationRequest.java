package dev.macaque.spi;

import java.util.Objects;

/**
 * A request to terminate one member of a group.
 *
 * @param group          the group the instance must belong to
 * @param instanceId     the member to terminate
 * @param dryRun         when true nothing changes; see {@link CloudProvider#terminate(TerminationRequest)}
 * @param reason         why, for the cloud's audit trail where it has one (e.g. the experiment run id)
 * @param idempotencyKey unique per intended termination; a retry with the same key never kills twice
 */
public record TerminationRequest(GroupRef group, String instanceId, boolean dryRun, String reason, String idempotencyKey) {

    public TerminationRequest {
        Objects.requireNonNull(group, "group");
        GroupRef.requireText(instanceId, "instanceId");
        Objects.requireNonNull(reason, "reason");
        GroupRef.requireText(idempotencyKey, "idempotencyKey");
    }
}
