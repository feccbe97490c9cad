package dev.macaque.simulate;

import java.math.BigDecimal;
import java.math.MathContext;

/** How reports and the simulate command print a number: one format everywhere. */
public final class ReportNumbers {
    private ReportNumbers() {
    }

    /** Six significant digits, no exponent: enough to read, and the same on every JVM. */
    public static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (Double.isInfinite(value)) {
            return "never";
        }
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
