package dev.macaque.experiments;

import dev.macaque.engine.RunState;
import dev.macaque.engine.RunStep;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The states of a run as the store keeps them, and which event moves a run into which: the one place where a new
 * state is added.
 */
final class RunStates {
    /** The states of a run that some node still drives (or should), as an SQL list for {@code state IN ...}. */
    static final String UNFINISHED = "('PENDING', 'RUNNING', 'VERIFYING')";

    /** Every state's name, in the engine's order. */
    static final List<String> NAMES = Arrays.stream(RunState.values()).map(Enum::name).toList();

    private static final Set<String> TERMINAL = Arrays.stream(RunState.values()).filter(RunState::isTerminal)
            .map(Enum::name).collect(Collectors.toUnmodifiableSet());

    private RunStates() {
    }

    /** The state a run enters with {@code step}, or null when the step leaves the run's state as it is. */
    static String entered(RunStep step) {
        if (step instanceof RunStep.RunStarted) {
            return "RUNNING";
        } else if (step instanceof RunStep.VerificationStarted) {
            return "VERIFYING";
        } else if (step instanceof RunStep.RunCompleted) {
            return "COMPLETED";
        } else if (step instanceof RunStep.RunFailed) {
            return "FAILED";
        } else if (step instanceof RunStep.RunAborted) {
            return "ABORTED";
        } else if (step instanceof RunStep.RunHalted) {
            return "HALTED";
        } else if (step instanceof RunStep.RunNotSteady) {
            return "NOT_STEADY";
        }
        return null;
    }

    /** Whether a run in {@code state} has ended: its kills settle, and no node drives it any more. */
    static boolean isTerminal(String state) {
        return TERMINAL.contains(state);
    }
}
