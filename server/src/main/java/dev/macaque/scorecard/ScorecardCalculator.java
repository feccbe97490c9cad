package dev.macaque.scorecard;

import dev.macaque.scorecard.Scorecard.Aggregate;
import dev.macaque.scorecard.Scorecard.Finding;
import dev.macaque.scorecard.Scorecard.GroupCard;
import dev.macaque.scorecard.Scorecard.RecoveryTimes;
import dev.macaque.scorecard.Scorecard.TrendPoint;
import dev.macaque.scorecard.Scorecard.Verification;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The scorecard's rules, in one place and without I/O: which status a group has as of an instant, its recovery
 * times, and how groups aggregate. Deterministic: the same episodes and instant give the same scorecard.
 */
public final class ScorecardCalculator {
    static final Duration DAYS_30 = Duration.ofDays(30);
    static final Duration DAYS_90 = Duration.ofDays(90);
    private static final Comparator<GroupCard> MOST_IN_NEED = Comparator.comparingInt(GroupCard::score)
            .thenComparing(c -> c.lastVerification() == null ? Instant.MIN : c.lastVerification().recoveredAt())
            .thenComparing(GroupCard::id);

    private final Duration freshness;

    public ScorecardCalculator(Duration freshness) {
        this.freshness = Objects.requireNonNull(freshness, "freshness is null");
    }

    /** A group to score: its id ({@code provider/region/name}) and its team (the {@code groupBy} tag's value, or null). */
    public record ScoredGroup(String id, String team) {
    }

    /** The card of one group (or service) as of {@code at}, from its episodes (any order; later ones are ignored). */
    public GroupCard card(String id, String team, List<KillEpisode> episodes, Instant at) {
        List<KillEpisode> known = episodes.stream().filter(e -> !e.killedAt().isAfter(at))
                .sorted(Comparator.comparing(KillEpisode::killedAt).thenComparing(KillEpisode::runId)).toList();
        KillEpisode latest = known.isEmpty() ? null : known.get(known.size() - 1);
        Finding finding = latest != null && latest.finding() != null ? new Finding(latest.runId(), latest.killedAt(), latest.finding()) : null;
        KillEpisode verified = null;
        for (KillEpisode e : known) {
            if (e.recovered() && !e.recoveredAt().isAfter(at)) {
                verified = e;
            }
        }
        Verification verification = verified == null ? null : new Verification(verified.runId(), verified.killedAt(),
                verified.recoveredAt(), verified.timeToRecover(), Duration.between(verified.recoveredAt(), at).toSeconds());
        ScorecardStatus status;
        if (finding != null) {
            status = ScorecardStatus.FAILING;
        } else if (verification == null) {
            status = ScorecardStatus.NEVER;
        } else {
            status = Duration.between(verified.recoveredAt(), at).compareTo(freshness) <= 0 ? ScorecardStatus.VERIFIED : ScorecardStatus.STALE;
        }
        int kills = known.stream().mapToInt(KillEpisode::realKills).sum();
        return new GroupCard(id, team, status, status.score(), verification, finding, kills, times(known, at, DAYS_30),
                times(known, at, DAYS_90));
    }

    /** The whole scorecard as of {@code asOf}: groups, teams, fleet, services and the fleet's weekly trend. */
    public Scorecard scorecard(List<ScoredGroup> groups, List<KillEpisode> episodes, Instant asOf, String freshnessText, String groupBy,
            int trendWeeks, int runsConsidered, boolean truncated, List<Scorecard.ProviderError> errors) {
        Map<String, List<KillEpisode>> byGroup = new TreeMap<>();
        Map<String, List<KillEpisode>> byService = new TreeMap<>();
        for (KillEpisode e : episodes) {
            byGroup.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
            for (String service : e.services()) {
                byService.computeIfAbsent(service, s -> new ArrayList<>()).add(e);
            }
        }
        List<GroupCard> cards = cardsAt(groups, byGroup, asOf);
        List<GroupCard> services = byService.entrySet().stream().map(s -> card(s.getKey(), null, s.getValue(), asOf))
                .sorted(MOST_IN_NEED).toList();
        TreeSet<String> teamNames = new TreeSet<>(Comparator.nullsLast(Comparator.naturalOrder()));
        groups.forEach(g -> teamNames.add(g.team()));
        List<Aggregate> teams = new ArrayList<>();
        for (String team : teamNames) {
            teams.add(aggregate(team, cards.stream().filter(c -> Objects.equals(c.team(), team)).toList()));
        }
        List<TrendPoint> trend = new ArrayList<>();
        for (int i = trendWeeks - 1; i >= 0; i--) {
            Instant inWeek = asOf.minus(Duration.ofDays(7L * i));
            Instant weekEnd = endOfIsoWeek(inWeek);
            Instant at = weekEnd.isAfter(asOf) ? asOf : weekEnd;
            trend.add(new TrendPoint(isoWeek(inWeek), at, aggregate("fleet", cardsAt(groups, byGroup, at)).score()));
        }
        return new Scorecard(asOf, freshnessText, groupBy, aggregate("fleet", cards), teams, cards, services, trend, runsConsidered,
                truncated, List.copyOf(errors));
    }

    /** Every group's card as of {@code at}, most in need first. */
    public List<GroupCard> cardsAt(List<ScoredGroup> groups, Map<String, List<KillEpisode>> byGroup, Instant at) {
        return groups.stream().map(g -> card(g.id(), g.team(), byGroup.getOrDefault(g.id(), List.of()), at)).sorted(MOST_IN_NEED).toList();
    }

    /** Cards together: the mean score (one decimal), counts per status, open findings. */
    public static Aggregate aggregate(String name, List<GroupCard> cards) {
        Map<ScorecardStatus, Integer> statuses = new EnumMap<>(ScorecardStatus.class);
        for (ScorecardStatus s : ScorecardStatus.values()) {
            statuses.put(s, 0);
        }
        cards.forEach(c -> statuses.merge(c.status(), 1, Integer::sum));
        Double score = cards.isEmpty() ? null : Math.round(cards.stream().mapToInt(GroupCard::score).average().orElseThrow() * 10) / 10.0;
        return new Aggregate(name, cards.size(), score, statuses, (int) cards.stream().filter(c -> c.openFinding() != null).count());
    }

    /** Recoveries of kills made in {@code (at - window, at]} and seen back by {@code at}. */
    static RecoveryTimes times(List<KillEpisode> known, Instant at, Duration window) {
        Instant from = at.minus(window);
        double[] seconds = known.stream().filter(e -> e.killedAt().isAfter(from) && e.recovered() && !e.recoveredAt().isAfter(at))
                .mapToDouble(KillEpisode::timeToRecover).sorted().toArray();
        if (seconds.length == 0) {
            return new RecoveryTimes(0, null, null);
        }
        return new RecoveryTimes(seconds.length, nearestRank(seconds, 50), nearestRank(seconds, 90));
    }

    /** The p-th percentile of sorted values by nearest rank: the value at rank ceil(p/100 × n). */
    static double nearestRank(double[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** The instant ISO week containing {@code at} ends: the next Monday, 00:00 UTC. */
    public static Instant endOfIsoWeek(Instant at) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        return day.with(TemporalAdjusters.next(java.time.DayOfWeek.MONDAY)).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** {@code YYYY-Www} of the instant's ISO week (UTC). */
    public static String isoWeek(Instant at) {
        LocalDate day = at.atZone(ZoneOffset.UTC).toLocalDate();
        return String.format(java.util.Locale.ROOT, "%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }
}
