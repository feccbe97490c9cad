package dev.macaque.simulate;

/** The comparison of a hypothesis. {@code ==} compares exactly: write it for counts, not for percentages. */
public enum Comparison {
    AT_LEAST(">="), AT_MOST("<="), GREATER(">"), LESS("<"), EQUAL("==");

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    public boolean holds(double value, double bound) {
        return switch (this) {
            case AT_LEAST -> value >= bound;
            case AT_MOST -> value <= bound;
            case GREATER -> value > bound;
            case LESS -> value < bound;
            case EQUAL -> value == bound;
        };
    }

    static Comparison bySymbol(String symbol) {
        for (Comparison comparison : values()) {
            if (comparison.symbol.equals(symbol)) {
                return comparison;
            }
        }
        return null;
    }
}
