package dev.macaque.scorecard;

import java.time.Clock;
import java.util.Objects;

/**
 * The clock scorecards and reports are computed against: the server's clock, unless a test sets another through
 * {@code OptionalBinder} to put "now" where its hand-computed ages and windows expect it.
 */
public record ScorecardClock(Clock clock) {
    public ScorecardClock {
        Objects.requireNonNull(clock, "clock is null");
    }
}
