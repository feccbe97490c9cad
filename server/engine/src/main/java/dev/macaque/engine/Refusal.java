package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.util.Objects;

/** A victim a guardrail refused to kill. */
public record Refusal(GroupRef group, String instanceId, RefusalReason reason, String message, Instant at) {
    public Refusal {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(at, "at");
    }
}
