package dev.macaque.simulate;

import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioError;
import dev.macaque.simulated.scenario.ScenarioException;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A scenario with its chaos entries and hypotheses validated: everything a simulation needs, checked before any
 * virtual time passes.
 *
 * @param scenario   the world, with the seed to use (the file's, or {@code --seed})
 * @param chaos      the validated {@code chaos} entries, in file order
 * @param hypotheses the parsed {@code hypotheses}, in file order
 */
public record SimulationInput(Scenario scenario, List<ChaosAction> chaos, List<HypothesisExpression> hypotheses) {
    public SimulationInput {
        Objects.requireNonNull(scenario, "scenario");
        chaos = List.copyOf(chaos);
        hypotheses = List.copyOf(hypotheses);
    }

    /**
     * Reads and validates {@code file}.
     *
     * @param seedOverride the {@code --seed} value, or {@code null} for the file's seed
     * @throws ScenarioException with every problem found, each as {@code file:line:key: message}
     */
    public static SimulationInput read(Path file, Long seedOverride) {
        return of(ScenarioParser.parse(file), seedOverride);
    }

    /** Validates an already parsed scenario; see {@link #read}. */
    public static SimulationInput of(Scenario parsed, Long seedOverride) {
        Scenario scenario = seedOverride == null ? parsed : parsed.withSeed(seedOverride);
        List<ScenarioError> errors = new ArrayList<>();
        List<ChaosAction> chaos = new ChaosPlanParser().parse(scenario, errors);
        List<HypothesisExpression> hypotheses = new HypothesisParser().parse(scenario, errors);
        ProbeBindings.check(scenario, chaos, ProbeBindings.parse(scenario, errors), errors);
        if (!errors.isEmpty()) {
            throw new ScenarioException(errors);
        }
        return new SimulationInput(scenario, chaos, hypotheses);
    }

    /** Whether an experiment of the chaos list has steady-state probes. */
    public boolean hasProbes() {
        return chaos.stream().anyMatch(action -> !experiment(action).steadyState().isEmpty());
    }

    private static dev.macaque.engine.ExperimentSpec experiment(ChaosAction action) {
        return action instanceof ChaosAction.OneShot oneShot ? oneShot.experiment()
                : ((ChaosAction.Scheduled) action).schedule().experiment();
    }

    /** The same input with every experiment's probes and pacing removed: the offline comparison's baseline. */
    public SimulationInput withoutSteadyState() {
        List<ChaosAction> plain = new ArrayList<>();
        for (ChaosAction action : chaos) {
            if (action instanceof ChaosAction.OneShot oneShot) {
                plain.add(new ChaosAction.OneShot(oneShot.index(), oneShot.line(), oneShot.at(),
                        oneShot.experiment().withoutSteadyState()));
            } else {
                dev.macaque.schedule.KillSchedule s = ((ChaosAction.Scheduled) action).schedule();
                plain.add(new ChaosAction.Scheduled(action.index(), action.line(), new dev.macaque.schedule.KillSchedule(s.name(),
                        s.experiment().withoutSteadyState(), s.meanTimeBetweenKills(), s.minTimeBetweenKills(), s.window(), s.enabled())));
            }
        }
        return new SimulationInput(scenario, plain, hypotheses);
    }
}
