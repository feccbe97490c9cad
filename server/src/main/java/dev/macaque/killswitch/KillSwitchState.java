package dev.macaque.killswitch;

import java.time.Instant;

/** The kill switch as stored: while {@code engaged}, no termination happens anywhere. */
public record KillSwitchState(boolean engaged, String reason, String changedBy, Instant changedAt) {
}
