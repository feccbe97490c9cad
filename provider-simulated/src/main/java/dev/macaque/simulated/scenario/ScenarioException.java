package dev.macaque.simulated.scenario;

import java.util.List;
import java.util.stream.Collectors;

/** A scenario file is invalid; carries every problem found, each as {@code file:line:key: message}. */
public class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ScenarioError> errors;

    public ScenarioException(List<ScenarioError> errors) {
        super(dev.macaque.text.Counts.of(errors.size(), "error") + " in scenario:\n" + errors.stream().map(ScenarioError::toString)
                .collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ScenarioError> errors() {
        return errors;
    }

    /** The errors as {@code file:line:key: message} lines. */
    public List<String> messages() {
        return errors.stream().map(ScenarioError::toString).toList();
    }
}
