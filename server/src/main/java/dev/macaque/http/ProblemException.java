package dev.macaque.http;

import java.util.List;

/** Thrown by handlers to answer with a problem; {@link ApiServer} renders it as {@code application/problem+json}. */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Problem type of every 400 that lists offending fields. */
    public static final String VALIDATION = "https://macaque.dev/problems/validation";

    private final int status;
    private final String type;
    private final transient List<Problem.FieldError> errors;
    private final transient List<?> excluded;

    public ProblemException(int status, String detail) {
        this(status, "about:blank", detail, List.of());
    }

    public ProblemException(int status, String type, String detail, List<Problem.FieldError> errors) {
        this(status, type, detail, errors, List.of());
    }

    /** @param excluded for a 422 about targets: the excluded groups with their reasons */
    public ProblemException(int status, String type, String detail, List<Problem.FieldError> errors, List<?> excluded) {
        super(detail);
        this.status = status;
        this.type = type;
        this.errors = List.copyOf(errors);
        this.excluded = List.copyOf(excluded);
    }

    public List<?> excluded() {
        return excluded;
    }

    /** A 400 validation problem with {@code detail} for people and one offending field. */
    public static ProblemException invalid(String detail, String field, String fieldMessage) {
        return new ProblemException(400, VALIDATION, detail, List.of(new Problem.FieldError(field, fieldMessage)));
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
