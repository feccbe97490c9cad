package dev.macaque.engine;

import java.util.Objects;

/**
 * One thing wrong with an input document.
 *
 * @param path    where, as a dotted path from the document root, e.g. {@code selection.value} or {@code targets.tags}
 * @param message what was wrong, with the offending value
 */
public record FieldError(String path, String message) {

    public FieldError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path message}, e.g. {@code selection.value must be > 0, was -1}. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + " " + message;
    }
}
