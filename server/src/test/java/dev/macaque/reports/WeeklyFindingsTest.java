package dev.macaque.reports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.scorecard.KillEpisode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Findings opened and closed in a week, on a hand-built history: the scorecard's rule that only the latest kill's finding is open. */
class WeeklyFindingsTest {
    private static final IsoWeek WEEK = IsoWeek.parse("2026-W49"); // 2026-11-30 to 2026-12-07

    private static KillEpisode kill(String run, String at, String finding) {
        Instant t = Instant.parse(at);
        return finding == null ? new KillEpisode(run, "g", t, 1, "RECOVERED", 10.0, t.plusSeconds(10), null, List.of())
                : new KillEpisode(run, "g", t, 1, "NOT_RECOVERED", null, null, finding, List.of());
    }

    @Test
    void aFindingOpenedBeforeTheWeekClosesInItAndAnotherOpensAndStaysOpen() {
        Map<String, List<KillEpisode>> history = Map.of("g", List.of(
                kill("before", "2026-11-28T10:00:00Z", "NOT_RECOVERED"),
                kill("fix", "2026-12-01T10:00:00Z", null),
                kill("halt", "2026-12-03T10:00:00Z", "HALTED"),
                kill("again", "2026-12-04T10:00:00Z", "NOT_RECOVERED"),
                kill("next-week", "2026-12-08T10:00:00Z", null)));
        List<WeeklyReport.FindingOpened> opened = new ArrayList<>();
        List<WeeklyReport.FindingClosed> closed = new ArrayList<>();

        WeeklyReports.findings(history, WEEK.start(), WEEK.end(), opened, closed);

        assertThat(opened).extracting(WeeklyReport.FindingOpened::runId).containsExactly("halt", "again");
        assertThat(opened).extracting(WeeklyReport.FindingOpened::reason).containsExactly("HALTED", "NOT_RECOVERED");
        assertThat(closed).singleElement().satisfies(c -> {
            assertThat(c.runId()).isEqualTo("fix");
            assertThat(c.openedBy()).isEqualTo("before");
        });
    }

    @Test
    void isoWeeksRunFromMondayToMondayUtcAcrossYearEnds() {
        assertThat(WEEK.start()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(IsoWeek.parse("2021-W01").start()).isEqualTo(Instant.parse("2021-01-04T00:00:00Z"));
        assertThat(IsoWeek.parse("2020-W53").end()).isEqualTo(Instant.parse("2021-01-04T00:00:00Z"));
        assertThat(IsoWeek.of(Instant.parse("2021-01-03T23:59:59Z"))).isEqualTo(IsoWeek.parse("2020-W53"));
        assertThat(IsoWeek.parse("2021-W01").previous()).isEqualTo(IsoWeek.parse("2020-W53"));
    }
}
