package dev.macaque.scorecard;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The reliability scorecard as {@code GET /api/v1/scorecard}, {@code macaque scorecard} and the {@code /scorecard} page
 * show it: one model, rendered as JSON, CSV, text and HTML.
 *
 * @param asOf           the instant every age and window is measured from
 * @param freshness      {@code scorecard.freshness} as configured (e.g. {@code 30d})
 * @param groupBy        the tag whose value names a group's team
 * @param fleet          every scored group together
 * @param teams          per team, in team order ({@code null} team last: groups without the tag)
 * @param groups         every opted-in group, most in need first (lowest score, then oldest verification, then id)
 * @param services       per service named by a steady-state probe of a real run, most in need first
 * @param trend          the fleet's score as of the end of each of the last {@code scorecard.trendWeeks} ISO weeks
 * @param runsConsidered real runs with kills read for this scorecard
 * @param truncated      true when older real runs exist beyond the {@code runsConsidered} read (they are not counted)
 * @param errors         providers that could not list their groups: their groups are missing from this scorecard
 */
public record Scorecard(Instant asOf, String freshness, String groupBy, Aggregate fleet, List<Aggregate> teams, List<GroupCard> groups,
        List<GroupCard> services, List<TrendPoint> trend, int runsConsidered, boolean truncated, List<ProviderError> errors) {

    /**
     * One group's (or service's) line.
     *
     * @param id               {@code provider/region/name} for a group, the service's name for a service
     * @param team             the value of the {@code groupBy} tag, null without it (and for services)
     * @param lastVerification the latest real kill after which the group recovered, null if none
     * @param openFinding      the latest real kill, when it found a problem; else null
     * @param realKills        instances terminated for real in the group, over the runs considered
     * @param last30Days       times to recover of the real kills made in the last 30 days
     * @param last90Days       the same over the last 90 days
     */
    public record GroupCard(String id, String team, ScorecardStatus status, int score, Verification lastVerification, Finding openFinding,
            int realKills, RecoveryTimes last30Days, RecoveryTimes last90Days) {
    }

    /** @param ageSeconds from {@code recoveredAt} to the scorecard's {@code asOf} */
    public record Verification(String runId, Instant killedAt, Instant recoveredAt, double timeToRecoverSeconds, long ageSeconds) {
    }

    /** @param reason {@code NOT_RECOVERED}, {@code NOT_STEADY} or {@code HALTED} */
    public record Finding(String runId, Instant killedAt, String reason) {
    }

    /**
     * Times to recover (seconds) of the recoveries in a window, by nearest rank: the p-th percentile is the smallest
     * time at or below which p% of them lie (the median is p50). Null when the window holds none.
     */
    public record RecoveryTimes(int recoveries, Double medianSeconds, Double p90Seconds) {
    }

    /**
     * Groups together: the score is the mean of their scores (each group weighs the same), rounded to one decimal; null
     * when there is no group.
     *
     * @param name     the team (null for groups without the tag); {@code fleet} for the fleet
     * @param statuses how many groups have each status
     */
    public record Aggregate(String name, int groups, Double score, Map<ScorecardStatus, Integer> statuses, int openFindings) {
    }

    /** The fleet's score as of {@code at}: the end of ISO week {@code week}, or {@code asOf} for the current week. */
    public record TrendPoint(String week, Instant at, Double score) {
    }

    public record ProviderError(String provider, String error) {
    }
}
