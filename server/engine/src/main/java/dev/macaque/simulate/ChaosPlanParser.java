package dev.macaque.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.text.Suggestions;
import dev.macaque.text.Durations;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.KillScheduleParser;
import dev.macaque.simulated.scenario.ChaosEntry;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validates a scenario's raw {@code chaos} entries with the engine's own parsers and reports each problem as
 * {@code file:line:key} (the entry's line, the engine's field path under {@code chaos[i]}).
 *
 * <pre>{@code
 * chaos:
 *   - {at: 2h, experiment: {name: kill-one, selection: {mode: count, value: 1}}}
 *   - schedule: {meanTimeBetweenKills: 2d, minTimeBetweenKills: 1d, window: {from: "09:00", to: "17:00", zone: UTC}}
 *     experiment: {name: monkey, targets: {groups: [api]}}
 * }</pre>
 */
public final class ChaosPlanParser {
    /** The one provider of a simulation: experiments may name it in {@code targets.providers}. */
    public static final String PROVIDER_ID = "sim";

    private static final List<String> ENTRY_KEYS = List.of("at", "schedule", "experiment");

    private final ExperimentSpecParser experiments = new ExperimentSpecParser();
    private final KillScheduleParser schedules = new KillScheduleParser();

    /** The entries as actions, or every error found added to {@code errors} (then the list is incomplete). */
    public List<ChaosAction> parse(Scenario scenario, List<ScenarioError> errors) {
        List<ChaosAction> actions = new ArrayList<>();
        for (int i = 0; i < scenario.chaos().size(); i++) {
            ChaosEntry entry = scenario.chaos().get(i);
            Errors out = new Errors(scenario.source(), entry.line(), "chaos[" + i + "]", errors);
            ChaosAction action = entry(i, entry, scenario, out);
            if (action != null) {
                actions.add(action);
            }
        }
        return actions;
    }

    private ChaosAction entry(int index, ChaosEntry entry, Scenario scenario, Errors out) {
        JsonNode node = entry.node();
        int before = out.count();
        node.fieldNames().forEachRemaining(key -> {
            if (!ENTRY_KEYS.contains(key)) {
                out.add(key, "is not a known key" + Suggestions.closest(key, ENTRY_KEYS).map(s -> " (did you mean '" + s + "'?)")
                        .orElse("") + "; an entry has 'experiment' and either 'at' or 'schedule'");
            }
        });
        JsonNode at = node.get("at");
        JsonNode schedule = node.get("schedule");
        JsonNode experiment = node.get("experiment");
        if (at != null && schedule != null) {
            out.add("", "has both 'at' and 'schedule'; a chaos entry is either a one-shot experiment (at) or a schedule");
        } else if (at == null && schedule == null) {
            out.add("", "needs 'at' (a one-shot experiment, e.g. at: 2h) or 'schedule' (Chaos Monkey mode)");
        }
        if (experiment == null || !experiment.isObject()) {
            out.add("experiment", experiment == null ? "is required: the experiment spec to run"
                    : "must be an experiment spec (a mapping), was " + experiment.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return null;
        }
        if (at != null && schedule == null) {
            Duration when = at(at, scenario, out);
            ExperimentSpec spec = experiment(experiment, out);
            if (spec != null) {
                checkTargets(spec, scenario, "experiment", out);
            }
            return out.count() == before && when != null && spec != null ? new ChaosAction.OneShot(index, entry.line(), when, spec) : null;
        }
        if (schedule != null && at == null) {
            KillSchedule parsed = schedule(index, schedule, experiment, out);
            if (parsed != null) {
                checkTargets(parsed.experiment(), scenario, "experiment", out);
            }
            return out.count() == before && parsed != null ? new ChaosAction.Scheduled(index, entry.line(), parsed) : null;
        }
        return null;
    }

    private static Duration at(JsonNode node, Scenario scenario, Errors out) {
        if (!node.isTextual()) {
            out.add("at", "must be a duration since the start such as 90s, 2h or 3d, was " + node);
            return null;
        }
        try {
            Duration at = Durations.parse(node.asText());
            if (at.compareTo(scenario.duration()) >= 0) {
                out.add("at", node.asText() + " is not before the end of the run (duration " + Durations.format(scenario.duration()) + ")");
                return null;
            }
            return at;
        } catch (IllegalArgumentException e) {
            out.add("at", e.getMessage());
            return null;
        }
    }

    private ExperimentSpec experiment(JsonNode node, Errors out) {
        try {
            return experiments.parse(node);
        } catch (SpecValidationException e) {
            for (FieldError error : e.errors()) {
                out.add(error.path().isEmpty() ? "experiment" : "experiment." + error.path(), error.message());
            }
            return null;
        }
    }

    private KillSchedule schedule(int index, JsonNode schedule, JsonNode experiment, Errors out) {
        if (!schedule.isObject()) {
            out.add("schedule", "must be a mapping with meanTimeBetweenKills, minTimeBetweenKills and window, was " + schedule);
            return null;
        }
        if (schedule.has("experiment")) {
            out.add("schedule.experiment", "write the experiment beside 'schedule' in the chaos entry, not inside it");
            return null;
        }
        ObjectNode document = schedule.deepCopy();
        if (!document.has("name")) {
            JsonNode name = experiment.get("name");
            document.put("name", name != null && name.isTextual() && !name.asText().isBlank() ? name.asText() : "chaos-" + index);
        }
        document.set("experiment", experiment);
        try {
            return schedules.parse(document);
        } catch (SpecValidationException e) {
            for (FieldError error : e.errors()) {
                String path = error.path();
                out.add(path.startsWith("experiment") ? path : path.isEmpty() ? "schedule" : "schedule." + path, error.message());
            }
            return null;
        }
    }

    /** Names of groups, regions and providers that the world does not have are typos: say so before running. */
    private static void checkTargets(ExperimentSpec spec, Scenario scenario, String key, Errors out) {
        for (String provider : spec.targets().providers()) {
            if (!provider.equals(PROVIDER_ID)) {
                out.add(key + ".targets.providers", "'" + provider + "' is not a provider of the simulation; its only provider is '"
                        + PROVIDER_ID + "'");
            }
        }
        Set<String> groups = new TreeSet<>();
        Set<String> regions = new TreeSet<>();
        for (GroupSpec group : scenario.groups()) {
            groups.add(group.name());
            regions.add(group.region());
        }
        for (String group : spec.targets().groups()) {
            if (!groups.contains(group)) {
                out.add(key + ".targets.groups", "names group '" + group + "', which the scenario does not have"
                        + Suggestions.closest(group, groups).map(s -> " (did you mean '" + s + "'?)").orElse("")
                        + "; groups: " + String.join(", ", groups));
            }
        }
        for (String region : spec.targets().regions()) {
            if (!regions.contains(region)) {
                out.add(key + ".targets.regions", "names region '" + region + "', where the scenario has no group; regions: "
                        + String.join(", ", regions));
            }
        }
    }

    /** Errors of one entry, located at its line with keys under its path. */
    private record Errors(String file, int line, String prefix, List<ScenarioError> sink) {
        int count() {
            return sink.size();
        }

        void add(String key, String message) {
            sink.add(new ScenarioError(file, line, key.isEmpty() ? prefix : prefix + "." + key, message));
        }
    }
}
