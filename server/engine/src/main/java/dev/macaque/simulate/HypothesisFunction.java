package dev.macaque.simulate;

import java.util.Arrays;
import java.util.List;

/** The functions a hypothesis may measure, with the kind of argument each takes. */
public enum HypothesisFunction {
    /** Served ÷ offered requests of a service over the whole run, in percent. */
    AVAILABILITY("availability", Argument.SERVICE),
    /** Real kills the engine made in a group. */
    KILLS("kills", Argument.GROUP),
    /** Kills of every group. */
    KILLS_TOTAL("killsTotal", Argument.NONE),
    /** Terminations the engine's guardrails refused in a group. */
    REFUSALS("refusals", Argument.GROUP),
    /** The longest recovery (world time, seconds) over a group's kills. */
    RECOVERY_SECONDS("recoverySeconds", Argument.GROUP),
    /** Median recovery time over all kills, seconds. */
    P50("p50", Argument.RECOVERY_SECONDS),
    /** 95th percentile of the recovery times over all kills, seconds. */
    P95("p95", Argument.RECOVERY_SECONDS),
    /** Longest recovery time over all kills, seconds. */
    MAX("max", Argument.RECOVERY_SECONDS),
    /** (run, group) verifications the engine judged NOT_RECOVERED within the experiment's recovery.timeout. */
    NOT_RECOVERED("notRecovered", Argument.NONE);

    /** What goes between the parentheses. */
    public enum Argument {
        NONE, SERVICE, GROUP,
        /** the literal word {@code recoverySeconds} */
        RECOVERY_SECONDS
    }

    private final String wireName;
    private final Argument argument;

    HypothesisFunction(String wireName, Argument argument) {
        this.wireName = wireName;
        this.argument = argument;
    }

    public String wireName() {
        return wireName;
    }

    public Argument argument() {
        return argument;
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(HypothesisFunction::wireName).toList();
    }

    static HypothesisFunction byWireName(String name) {
        for (HypothesisFunction function : values()) {
            if (function.wireName.equals(name)) {
                return function;
            }
        }
        return null;
    }
}
