package dev.macaque.engine;

import java.util.Objects;

/**
 * Thrown by a {@link RunRecorder} that refuses to keep a {@link RunEventType#TERMINATION_INTENT} because a guardrail
 * no longer holds at the moment the intent would commit — e.g. another node killed the group a moment ago, so
 * {@code minTimeBetweenKills} would be broken. Nothing was recorded; the run treats it as a refusal of that victim.
 */
public final class TerminationClaimRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RefusalReason reason;

    public TerminationClaimRefused(RefusalReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RefusalReason reason() {
        return reason;
    }
}
