package dev.macaque.engine;

import java.util.Objects;

/** What {@link GuardrailCheck} decided about one termination. */
public sealed interface GuardrailDecision {

    Allowed ALLOWED = new Allowed();

    /** Every guardrail passed. */
    record Allowed() implements GuardrailDecision {
    }

    /**
     * A guardrail refused.
     *
     * @param reason  which guardrail
     * @param message for people, with the numbers that decided it
     */
    record Refused(RefusalReason reason, String message) implements GuardrailDecision {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
