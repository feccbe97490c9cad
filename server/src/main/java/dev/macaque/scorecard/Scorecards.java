package dev.macaque.scorecard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunHistory;
import dev.macaque.experiments.RunView;
import dev.macaque.experiments.StoredRun;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.scorecard.ScorecardCalculator.ScoredGroup;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ProviderException;
import dev.macaque.text.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads what a scorecard is computed from — the opted-in groups the providers list now, and the real runs that
 * killed for real — and hands them to {@link ScorecardCalculator}. Bounded: at most {@link #RUNS_READ} runs are read.
 */
public final class Scorecards {
    /** Real runs with kills read per scorecard, newest first; older ones are left out and the scorecard says so. */
    public static final int RUNS_READ = 5000;
    private static final Set<String> FINDING_STATES = Set.of("HALTED", "NOT_STEADY");

    private final RunHistory history;
    private final ExperimentService experiments;
    private final ProviderInstances providers;
    private final dev.macaque.inventory.FleetInventory inventory;
    private final ScorecardClock clock;
    private final MacaqueConfig.ScorecardConfig config;
    private final ScorecardCalculator calculator;
    private final ObjectMapper json;

    public Scorecards(RunHistory history, ExperimentService experiments, ProviderInstances providers,
            dev.macaque.inventory.FleetInventory inventory, ScorecardClock clock,
            MacaqueConfig.ScorecardConfig config, ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json is null");
        this.history = Objects.requireNonNull(history, "history is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.inventory = Objects.requireNonNull(inventory, "inventory is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.config = Objects.requireNonNull(config, "config is null");
        this.calculator = new ScorecardCalculator(Durations.parse(config.freshness()));
    }

    /** What scorecards are computed from, read once. */
    public record Inputs(List<ScoredGroup> groups, List<KillEpisode> episodes, int runsConsidered, boolean truncated,
            List<Scorecard.ProviderError> errors) {
    }

    public Instant now() {
        return clock.clock().instant();
    }

    public ScorecardCalculator calculator() {
        return calculator;
    }

    /** The scorecard as of now. */
    public Scorecard current() {
        Inputs inputs = read();
        return calculator.scorecard(inputs.groups(), inputs.episodes(), now(), config.freshness(), config.groupBy(), config.trendWeeks(),
                inputs.runsConsidered(), inputs.truncated(), inputs.errors());
    }

    /** The opted-in groups listed now and the episodes of the real runs with kills. */
    public Inputs read() {
        List<Scorecard.ProviderError> errors = new ArrayList<>();
        List<ScoredGroup> groups = new ArrayList<>();
        for (ConfiguredProvider configured : providers.all()) {
            if (!configured.isReady()) {
                errors.add(new Scorecard.ProviderError(configured.id(), "unavailable: " + configured.error()));
                continue;
            }
            try {
                // The node's inventory, not the cloud: a scorecard view costs no cloud call within a refresh interval.
                var kept = inventory.provider(configured.id());
                if (kept.isEmpty()) {
                    errors.add(new Scorecard.ProviderError(configured.id(), "not in the fleet inventory"));
                    continue;
                }
                for (GroupSummary group : kept.get().listing().groups()) {
                    if (group.optedIn()) {
                        groups.add(new ScoredGroup(group.ref().toString(), group.tags().get(config.groupBy())));
                    }
                }
            } catch (ProviderException e) {
                errors.add(new Scorecard.ProviderError(configured.id(), e.kind() + ": " + e.getMessage()));
            }
        }
        groups.sort(Comparator.comparing(ScoredGroup::id));
        List<StoredRun> runs = history.runsWithRealKills(RUNS_READ + 1);
        boolean truncated = runs.size() > RUNS_READ;
        if (truncated) {
            runs = runs.subList(0, RUNS_READ);
        }
        List<KillEpisode> episodes = new ArrayList<>();
        for (StoredRun run : runs) {
            savedView(run).or(() -> experiments.view(run.id())).ifPresent(view -> episodes.addAll(episodes(view)));
        }
        return new Inputs(List.copyOf(groups), List.copyOf(episodes), runs.size(), truncated, List.copyOf(errors));
    }

    /**
     * The run's saved view, read from the row already at hand (one query for all runs, not one per run); empty for a
     * run without one (driven elsewhere, or closed after a crash), whose view {@link ExperimentService#view} rebuilds.
     */
    private Optional<RunView> savedView(StoredRun run) {
        if (run.resultJson() == null || experiments.isLive(run.id())) {
            return Optional.empty();
        }
        try {
            RunView saved = json.readValue(run.resultJson(), RunView.class);
            // the row's state is the latest word (a takeover may have closed the run after its view was saved)
            return saved.state().equals(run.state()) ? Optional.of(saved) : Optional.empty();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored run " + run.id() + " is not readable", e);
        }
    }

    /** A real run's kills, one episode per group it terminated in for real; none for a dry run. */
    public static List<KillEpisode> episodes(RunView run) {
        if (run.dryRun()) {
            return List.of();
        }
        Map<String, Integer> kills = new LinkedHashMap<>();
        Map<String, Instant> firstKill = new LinkedHashMap<>();
        for (RunView.TerminationView t : run.terminations()) {
            if (!t.dryRun() && "TERMINATED".equals(t.status())) {
                kills.merge(t.group(), 1, Integer::sum);
                firstKill.merge(t.group(), t.intentAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        List<String> services = services(run.spec());
        List<KillEpisode> episodes = new ArrayList<>();
        for (Map.Entry<String, Integer> group : kills.entrySet()) {
            Optional<RunView.RecoveryView> recovery = run.recoveries().stream().filter(r -> r.group().equals(group.getKey())).findFirst();
            String status = recovery.map(RunView.RecoveryView::status).orElse("UNKNOWN");
            Instant killedAt = recovery.map(RunView.RecoveryView::firstKillAt).orElse(firstKill.get(group.getKey()));
            Double ttr = recovery.map(RunView.RecoveryView::timeToRecoverSeconds).orElse(null);
            // a recovery without its time cannot verify anything: kept as UNKNOWN rather than guessed
            boolean recovered = "RECOVERED".equals(status) && ttr != null;
            String outcome = "RECOVERED".equals(status) && !recovered ? "UNKNOWN" : status;
            String finding = FINDING_STATES.contains(run.state()) ? run.state() : "NOT_RECOVERED".equals(status) ? status : null;
            Instant recoveredAt = recovered ? killedAt.plusMillis(Math.round(ttr * 1000)) : null;
            episodes.add(new KillEpisode(run.id(), group.getKey(), killedAt, group.getValue(), outcome, recovered ? ttr : null, recoveredAt,
                    finding, services));
        }
        return episodes;
    }

    /** The services a spec's {@code service} probes name, sorted. */
    static List<String> services(JsonNode spec) {
        TreeSet<String> names = new TreeSet<>();
        if (spec != null) {
            for (JsonNode probe : spec.path("steadyState").path("probes")) {
                JsonNode name = probe.path("service").path("name");
                if (name.isTextual() && !name.asText().isBlank()) {
                    names.add(name.asText());
                }
            }
        }
        return List.copyOf(names);
    }

    public MacaqueConfig.ScorecardConfig config() {
        return config;
    }
}
