package dev.macaque.scorecard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.scorecard.Scorecard.GroupCard;
import dev.macaque.scorecard.ScorecardCalculator.ScoredGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scorecard's rules on hand-built histories where several things go wrong at once. */
class ScorecardCalculatorTest {
    private static final Instant NOW = Instant.parse("2026-12-09T12:00:00Z"); // a Wednesday of 2026-W50
    private final ScorecardCalculator calculator = new ScorecardCalculator(Duration.ofDays(30));

    private static KillEpisode recovered(String run, String group, Instant killedAt, double seconds) {
        return new KillEpisode(run, group, killedAt, 1, "RECOVERED", seconds, killedAt.plusMillis(Math.round(seconds * 1000)), null, List.of());
    }

    private static KillEpisode finding(String run, String group, Instant killedAt, String recovery, String finding) {
        return new KillEpisode(run, group, killedAt, 2, recovery, null, null, finding, List.of("checkout"));
    }

    private static Instant daysAgo(double days) {
        return NOW.minusSeconds(Math.round(days * 86_400));
    }

    @Test
    void aHaltAfterAVerificationIsFailingAndStillShowsTheLastVerification() {
        List<KillEpisode> history = List.of(recovered("r1", "g", daysAgo(3), 40), finding("r2", "g", daysAgo(1), "SKIPPED", "HALTED"));

        GroupCard card = calculator.card("g", "shop", history, NOW);

        assertThat(card.status()).isEqualTo(ScorecardStatus.FAILING);
        assertThat(card.score()).isEqualTo(50);
        assertThat(card.openFinding().reason()).isEqualTo("HALTED");
        assertThat(card.lastVerification().runId()).isEqualTo("r1");
        assertThat(card.realKills()).as("1 + 2").isEqualTo(3);
    }

    @Test
    void aRecoveryAfterAFindingClosesItAndAnAbortedKillAfterAVerificationLeavesItVerified() {
        GroupCard fixed = calculator.card("g", null, List.of(finding("r1", "g", daysAgo(5), "NOT_RECOVERED", "NOT_RECOVERED"),
                recovered("r2", "g", daysAgo(2), 61)), NOW);
        assertThat(fixed.status()).isEqualTo(ScorecardStatus.VERIFIED);
        assertThat(fixed.openFinding()).isNull();

        KillEpisode aborted = new KillEpisode("r3", "g", daysAgo(1), 1, "SKIPPED", null, null, null, List.of());
        GroupCard stillVerified = calculator.card("g", null, List.of(recovered("r1", "g", daysAgo(10), 30), aborted), NOW);
        assertThat(stillVerified.status()).isEqualTo(ScorecardStatus.VERIFIED);
        assertThat(stillVerified.lastVerification().runId()).isEqualTo("r1");

        GroupCard onlyAborted = calculator.card("g", null, List.of(aborted), NOW);
        assertThat(onlyAborted.status()).as("killed for real, but never to a verdict").isEqualTo(ScorecardStatus.NEVER);
        assertThat(onlyAborted.realKills()).isEqualTo(1);
    }

    @Test
    void freshnessIsMeasuredFromTheRecoveryAndIsInclusive() {
        Instant killed = NOW.minus(Duration.ofDays(30)).minusSeconds(100);
        assertThat(calculator.card("g", null, List.of(recovered("r", "g", killed, 100)), NOW).status()).isEqualTo(ScorecardStatus.VERIFIED);
        assertThat(calculator.card("g", null, List.of(recovered("r", "g", killed, 99)), NOW).status()).isEqualTo(ScorecardStatus.STALE);
    }

    @Test
    void medianAndP90AreByNearestRankOverTheKillsInTheWindow() {
        List<KillEpisode> history = new ArrayList<>();
        double[] seconds = {90, 10, 80, 20, 70, 30, 60, 40, 50, 100}; // ten recoveries in the last 30 days
        for (int i = 0; i < seconds.length; i++) {
            history.add(recovered("r" + i, "g", daysAgo(1 + i), seconds[i]));
        }
        history.add(recovered("old", "g", daysAgo(45), 1000)); // only in the 90-day window
        history.add(recovered("older", "g", daysAgo(120), 5)); // in neither
        history.add(finding("f", "g", daysAgo(0.5), "NOT_RECOVERED", "NOT_RECOVERED")); // no time: not a recovery

        GroupCard card = calculator.card("g", null, history, NOW);

        // sorted 10..100: p50 rank ceil(5) = 50, p90 rank ceil(9) = 90
        assertThat(card.last30Days()).isEqualTo(new Scorecard.RecoveryTimes(10, 50.0, 90.0));
        // plus 1000: eleven, p50 rank ceil(5.5) = 6th = 60, p90 rank ceil(9.9) = 10th = 100
        assertThat(card.last90Days()).isEqualTo(new Scorecard.RecoveryTimes(11, 60.0, 100.0));
        assertThat(card.status()).isEqualTo(ScorecardStatus.FAILING);
    }

    @Test
    void teamsFleetTrendAndServicesAggregateTheGroupsScores() {
        List<ScoredGroup> groups = List.of(new ScoredGroup("a", "shop"), new ScoredGroup("b", "shop"), new ScoredGroup("c", null));
        List<KillEpisode> history = List.of(recovered("r1", "a", daysAgo(2), 10), finding("r2", "b", daysAgo(9), "NOT_RECOVERED", "NOT_RECOVERED"));

        Scorecard card = calculator.scorecard(groups, history, NOW, "30d", "team", 3, 2, false, List.of());

        assertThat(card.groups().stream().map(GroupCard::id)).containsExactly("c", "b", "a");
        assertThat(card.fleet().score()).as("(100 + 50 + 0) / 3").isEqualTo(50.0);
        assertThat(card.teams()).extracting(Scorecard.Aggregate::name).containsExactly("shop", null);
        assertThat(card.teams().get(0).score()).isEqualTo(75.0);
        // W48 ended 2026-11-30: nothing killed yet; W49 ended 2026-12-07: b failing (50); now: a verified too
        assertThat(card.trend()).extracting(Scorecard.TrendPoint::week).containsExactly("2026-W48", "2026-W49", "2026-W50");
        assertThat(card.trend()).extracting(Scorecard.TrendPoint::score).containsExactly(0.0, 16.7, 50.0);
        assertThat(card.trend().get(1).at()).isEqualTo(Instant.parse("2026-12-07T00:00:00Z"));
        assertThat(card.trend().get(2).at()).isEqualTo(NOW);
        assertThat(card.services()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo("checkout");
            assertThat(s.status()).isEqualTo(ScorecardStatus.FAILING);
        });
    }
}
