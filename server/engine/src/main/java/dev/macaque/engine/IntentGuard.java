package dev.macaque.engine;

/**
 * The engine's decision on one termination, given what the fleet's record says at the moment the intent would be
 * recorded. A {@link RunRecorder} calls it inside the atomic step that records the intent (the store: one
 * transaction holding the fleet lock), so the decision and the intent can never be separated.
 */
@FunctionalInterface
public interface IntentGuard {
    GuardrailDecision decide(FleetView fleet);
}
