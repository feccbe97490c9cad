package dev.macaque.reports;

import dev.macaque.scorecard.ScorecardStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One ISO week of chaos ({@code GET /api/v1/reports/weekly?week=YYYY-Www}), computed from the same runs as the
 * scorecard. Runs count by when they were created, kills by when their intent was recorded, findings by the kill that
 * opened (or closed) them.
 *
 * @param asOf             the end of the week, or now for the current week: what "at the end" means below
 * @param realKills        instances terminated for real in the week
 * @param dryRunKills      terminations dry runs would have made in the week
 * @param findingsOpened   real kills in the week that found a problem
 * @param findingsClosed   open findings that a later real kill in the week did not confirm (the group recovered, or the
 *                         kill ended without a finding): the scorecard no longer shows them
 * @param scorecardChanges groups whose status at the end differs from the start (today's opted-in groups)
 * @param neverVerified    groups whose status at the end is NEVER
 * @param truncated        true when the week held more runs or kills than a report reads ({@link WeeklyReports#READ_LIMIT})
 */
public record WeeklyReport(String week, Instant from, Instant to, Instant asOf, Runs runs, int realKills, int dryRunKills,
        Double fleetScoreAtStart, Double fleetScoreAtEnd, List<FindingOpened> findingsOpened, List<FindingClosed> findingsClosed,
        List<StatusChange> scorecardChanges, List<String> neverVerified, boolean truncated) {

    /** @param byState runs per state, in state-name order */
    public record Runs(int total, int real, int dryRun, Map<String, Integer> byState) {
    }

    public record FindingOpened(String group, String runId, Instant at, String reason) {
    }

    /** @param runId the run whose kill closed it; {@code openedBy} the run whose kill opened it */
    public record FindingClosed(String group, String runId, Instant at, String openedBy) {
    }

    public record StatusChange(String group, ScorecardStatus from, ScorecardStatus to, int fromScore, int toScore) {
    }
}
