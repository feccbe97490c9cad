package dev.macaque.engine;

import java.util.List;
import java.util.stream.Collectors;

/** An experiment spec (or another engine input document) was invalid; holds every error found, not just the first. */
public final class SpecValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    public SpecValidationException(List<FieldError> errors) {
        super(describe(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a validation failure needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    private static String describe(List<FieldError> errors) {
        return errors.size() + (errors.size() == 1 ? " error: " : " errors: ")
                + errors.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    }
}
