package dev.macaque.spi;

import java.util.Map;
import java.util.OptionalInt;

/**
 * The opt-in convention, shared by every provider and the engine. Both keys are valid AWS tags, Azure tags and
 * GCP labels (lower case, digits and hyphens).
 */
public final class OptIn {
    /** {@code macaque-enabled=true} makes a group a chaos target; any other value or its absence does not. */
    public static final String ENABLED_KEY = "macaque-enabled";
    /** {@code macaque-weight=<positive integer>}: the group's weight in weighted-random selection; default 1. */
    public static final String WEIGHT_KEY = "macaque-weight";
    public static final int DEFAULT_WEIGHT = 1;

    private OptIn() {
    }

    /** Whether {@code tags} opt the group in. Only the exact value {@code true} (any case) counts. */
    public static boolean isEnabled(Map<String, String> tags) {
        String value = tags.get(ENABLED_KEY);
        return value != null && value.trim().equalsIgnoreCase("true");
    }

    /**
     * The group's selection weight: {@link #DEFAULT_WEIGHT} when absent, empty when present but not a positive
     * integer (such a group is treated as misconfigured and not selected).
     */
    public static OptionalInt weight(Map<String, String> tags) {
        String value = tags.get(WEIGHT_KEY);
        if (value == null) {
            return OptionalInt.of(DEFAULT_WEIGHT);
        }
        try {
            int weight = Integer.parseInt(value.trim());
            return weight > 0 ? OptionalInt.of(weight) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
