package dev.macaque.cli;

/** Every exit code of the {@code macaque} command, in one place, so that scripts can rely on them. */
public final class ExitCodes {
    /** The command did what was asked. */
    public static final int OK = 0;
    /**
     * The command ran, and what it found is a failure: a hypothesis that does not hold, an unexpected error; for
     * {@code macaque run --follow} and {@code macaque experiments events --follow}, a run whose verdict is FINDING
     * (a group NOT_RECOVERED, NOT_STEADY, HALTED), FAILED or ABORTED.
     */
    public static final int FAILED = 1;
    /** Bad arguments, an unreadable or invalid configuration or scenario. */
    public static final int INVALID_INPUT = 2;
    /**
     * {@code macaque run} and the other client commands: bad input, or the server refused the request (4xx other than
     * 401), e.g. no eligible group. The same number as {@link #INVALID_INPUT}.
     */
    public static final int REFUSED = 2;
    /** The client commands: the server cannot be reached, or it refused the token (401). */
    public static final int UNREACHABLE = 3;
    /**
     * The JVM ran out of heap (a simulation too big for {@code -Xmx}); the one line printed names the flag to raise.
     * Not 1, so that a script does not take it for a failed hypothesis.
     */
    public static final int OUT_OF_MEMORY = 4;
    /**
     * {@code macaque run --follow}, {@code macaque experiments events --follow}: the run's verdict is NOTHING_KILLED — it
     * terminated nothing (every victim refused, e.g. by the kill switch or a guardrail, or none selected).
     */
    public static final int NOTHING_KILLED = 5;
    /** As {@link #NOTHING_KILLED}, for the verdict PARTIAL: some victims were refused, the rest terminated and recovered. */
    public static final int PARTIAL = 6;

    /** The exit code of a followed run with {@code verdict} (a {@code dev.macaque.engine.Verdict} name, or empty). */
    static int of(String verdict) {
        return switch (verdict) {
            case "PASSED" -> OK;
            case "NOTHING_KILLED" -> NOTHING_KILLED;
            case "PARTIAL" -> PARTIAL;
            default -> FAILED;
        };
    }

    private ExitCodes() {
    }
}
