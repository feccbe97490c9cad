package dev.macaque.config;

import java.util.List;

/** The configuration is unreadable or invalid; {@link #errors()} lists every problem, each naming its key and source. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> errors;

    public ConfigException(List<String> errors) {
        super(String.join("\n", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
