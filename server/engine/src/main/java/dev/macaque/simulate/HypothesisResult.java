package dev.macaque.simulate;

import java.util.Objects;

/**
 * A hypothesis checked against a run.
 *
 * @param expression the hypothesis
 * @param value      the measured value; NaN when nothing could be measured (e.g. recovery times without kills),
 *                   +∞ for a recovery that never happened within the run
 * @param passed     whether the comparison holds (never for NaN)
 */
public record HypothesisResult(HypothesisExpression expression, double value, boolean passed) {
    public HypothesisResult {
        Objects.requireNonNull(expression, "expression");
    }

    /** Why the value is not a number, for people; empty when it is one. */
    public String note() {
        if (Double.isNaN(value)) {
            return "nothing to measure: no kills";
        }
        if (Double.isInfinite(value)) {
            return "a kill was not recovered by the end of the run";
        }
        return "";
    }
}
