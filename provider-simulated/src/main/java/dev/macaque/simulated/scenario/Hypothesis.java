package dev.macaque.simulated.scenario;

import java.util.Objects;

/**
 * One entry of the scenario's {@code hypotheses} list, kept raw for the report to evaluate.
 *
 * @param text e.g. {@code availability(api) >= 99.9}
 * @param line 1-based line in the scenario file
 */
public record Hypothesis(String text, int line) {
    public Hypothesis {
        Objects.requireNonNull(text, "text");
    }
}
