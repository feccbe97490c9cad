package dev.macaque.http;

import java.util.List;

/** Thrown by handlers to answer with a problem; {@link ApiServer} renders it as {@code application/problem+json}. */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String type;
    private final transient List<Problem.FieldError> errors;

    public ProblemException(int status, String detail) {
        this(status, "about:blank", detail, List.of());
    }

    public ProblemException(int status, String type, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public List<Problem.FieldError> errors() {
        return errors;
    }
}
