package dev.macaque.simulate;

import java.util.Objects;

/**
 * A parsed hypothesis, {@code FUNCTION(ARG) OP NUMBER}, e.g. {@code availability(api) >= 99.9}.
 *
 * @param text       as written in the scenario
 * @param line       its line in the scenario file
 * @param function   what is measured
 * @param argument   the service or group name, {@code recoverySeconds}, or empty
 * @param comparison how the measured value is compared
 * @param bound      the number it is compared with
 */
public record HypothesisExpression(String text, int line, HypothesisFunction function, String argument,
                                   Comparison comparison, double bound) {
    public HypothesisExpression {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(comparison, "comparison");
    }
}
