package dev.macaque.scorecard;

/**
 * How well a group (or service) is known to survive losing an instance, and the score that stands for it, in the
 * spirit of Gremlin's Reliability Score. Only real (not dry-run) kills count.
 */
public enum ScorecardStatus {
    /** Its latest real kill found a problem: the group did not recover, or the run halted or was not steady. */
    FAILING(50),
    /** No real kill ever verified it: never killed for real, or its real kills never reached a verdict (aborted). */
    NEVER(0),
    /** Verified (recovered after a real kill), but longer ago than {@code scorecard.freshness}. */
    STALE(75),
    /** Verified within {@code scorecard.freshness}, and its latest real kill found nothing. */
    VERIFIED(100);

    private final int score;

    ScorecardStatus(int score) {
        this.score = score;
    }

    public int score() {
        return score;
    }
}
