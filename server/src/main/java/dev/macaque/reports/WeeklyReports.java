package dev.macaque.reports;

import dev.macaque.experiments.RunHistory;
import dev.macaque.experiments.StoredRun;
import dev.macaque.http.ProblemException;
import dev.macaque.scorecard.KillEpisode;
import dev.macaque.scorecard.Scorecard.GroupCard;
import dev.macaque.scorecard.ScorecardCalculator;
import dev.macaque.scorecard.ScorecardStatus;
import dev.macaque.scorecard.Scorecards;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds the {@link WeeklyReport} of an ISO week from the run history and the scorecard's episodes. */
public final class WeeklyReports {
    /** Runs, and kills, a weekly report reads at most; it says when the week held more. */
    public static final int READ_LIMIT = 20_000;

    private final RunHistory history;
    private final Scorecards scorecards;

    public WeeklyReports(RunHistory history, Scorecards scorecards) {
        this.history = Objects.requireNonNull(history, "history is null");
        this.scorecards = Objects.requireNonNull(scorecards, "scorecards is null");
    }

    public Instant now() {
        return scorecards.now();
    }

    static String isoWeekOf(Instant at) {
        return IsoWeek.of(at).toString();
    }

    /** The week's report; a week that has not started yet is a 400 problem. */
    public WeeklyReport of(IsoWeek week) {
        Instant now = now();
        if (week.start().isAfter(now)) {
            throw ProblemException.invalid("week " + week + " has not started yet (it is " + IsoWeek.of(now) + " now)", "week",
                    "not started yet");
        }
        Instant from = week.start();
        Instant to = week.end();
        Instant asOf = to.isAfter(now) ? now : to;
        List<StoredRun> runs = history.runsCreatedBetween(from, to, READ_LIMIT + 1);
        boolean truncated = runs.size() > READ_LIMIT;
        runs = truncated ? runs.subList(0, READ_LIMIT) : runs;
        Map<String, Integer> byState = runs.stream().collect(Collectors.toMap(StoredRun::state, r -> 1, Integer::sum, TreeMap::new));
        int dry = (int) runs.stream().filter(StoredRun::dryRun).count();
        List<RunHistory.Kill> kills = history.allKillsSince(from, READ_LIMIT + 1);
        truncated |= kills.size() > READ_LIMIT;
        int realKills = 0;
        int dryKills = 0;
        for (RunHistory.Kill kill : kills) {
            if (kill.intendedAt().isBefore(to) && !kill.dryRun() && "TERMINATED".equals(kill.outcome())) {
                realKills++;
            } else if (kill.intendedAt().isBefore(to) && kill.dryRun() && "WOULD_TERMINATE".equals(kill.outcome())) {
                dryKills++;
            }
        }
        Scorecards.Inputs inputs = scorecards.read();
        truncated |= inputs.truncated();
        Map<String, List<KillEpisode>> byGroup = inputs.episodes().stream().collect(Collectors.groupingBy(KillEpisode::group));
        ScorecardCalculator calculator = scorecards.calculator();
        Map<String, GroupCard> start = calculator.cardsAt(inputs.groups(), byGroup, from).stream()
                .collect(Collectors.toMap(GroupCard::id, Function.identity()));
        List<GroupCard> end = calculator.cardsAt(inputs.groups(), byGroup, asOf);
        List<WeeklyReport.StatusChange> changes = new ArrayList<>();
        for (GroupCard after : end.stream().sorted(Comparator.comparing(GroupCard::id)).toList()) {
            GroupCard before = start.get(after.id());
            if (before.status() != after.status()) {
                changes.add(new WeeklyReport.StatusChange(after.id(), before.status(), after.status(), before.score(), after.score()));
            }
        }
        List<WeeklyReport.FindingOpened> opened = new ArrayList<>();
        List<WeeklyReport.FindingClosed> closed = new ArrayList<>();
        findings(byGroup, from, asOf, opened, closed);
        return new WeeklyReport(week.toString(), from, to, asOf, new WeeklyReport.Runs(runs.size(), runs.size() - dry, dry, byState),
                realKills, dryKills, ScorecardCalculator.aggregate("fleet", calculator.cardsAt(inputs.groups(), byGroup, from)).score(),
                ScorecardCalculator.aggregate("fleet", end).score(), opened, closed, changes,
                end.stream().filter(c -> c.status() == ScorecardStatus.NEVER).map(GroupCard::id).sorted().toList(), truncated);
    }

    /**
     * Findings opened and closed by real kills made in {@code [from, to)}: a kill that finds a problem opens one; the
     * group's next real kill that does not closes it — the scorecard's rule, where only the latest kill's finding is open.
     */
    static void findings(Map<String, List<KillEpisode>> byGroup, Instant from, Instant to, List<WeeklyReport.FindingOpened> opened,
            List<WeeklyReport.FindingClosed> closed) {
        for (Map.Entry<String, List<KillEpisode>> group : new TreeMap<>(byGroup).entrySet()) {
            List<KillEpisode> episodes = group.getValue().stream()
                    .sorted(Comparator.comparing(KillEpisode::killedAt).thenComparing(KillEpisode::runId)).toList();
            KillEpisode open = null;
            for (KillEpisode e : episodes) {
                if (!e.killedAt().isBefore(to)) {
                    break;
                }
                boolean inWeek = !e.killedAt().isBefore(from);
                if (e.finding() != null) {
                    if (inWeek) {
                        opened.add(new WeeklyReport.FindingOpened(group.getKey(), e.runId(), e.killedAt(), e.finding()));
                    }
                    open = e;
                } else if (open != null) {
                    if (inWeek) {
                        closed.add(new WeeklyReport.FindingClosed(group.getKey(), e.runId(), e.killedAt(), open.runId()));
                    }
                    open = null;
                }
            }
        }
    }
}
