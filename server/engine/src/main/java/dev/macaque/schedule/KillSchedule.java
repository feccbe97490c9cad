package dev.macaque.schedule;

import dev.macaque.text.Durations;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Chaos Monkey mode: every group the experiment targets is, on each working day, killed at most once with
 * probability {@code 1 / meanTimeBetweenKills} (in working days), at a time uniform within the window. See
 * {@link ScheduleCalendar}.
 *
 * @param name                 a label
 * @param experiment           which groups, guardrails, recovery and dry-run (its selection is not used: a
 *                             scheduled kill takes one instance of one group)
 * @param meanTimeBetweenKills mean time between kills of a group, counted in working days ({@code 5d} = one kill
 *                             per group per five working days on average); a mean of one day or less kills every
 *                             working day
 * @param minTimeBetweenKills  at least this long between two kills of a group, enforced by the engine's guardrail at
 *                             kill time (the larger of this and the experiment's own)
 * @param window               when kills may happen
 * @param enabled              a disabled schedule plans nothing
 */
public record KillSchedule(String name, ExperimentSpec experiment, Duration meanTimeBetweenKills,
                           Duration minTimeBetweenKills, ScheduleWindow window, boolean enabled) {
    public KillSchedule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(meanTimeBetweenKills, "meanTimeBetweenKills");
        Objects.requireNonNull(minTimeBetweenKills, "minTimeBetweenKills");
        Objects.requireNonNull(window, "window");
        if (meanTimeBetweenKills.isNegative() || meanTimeBetweenKills.isZero()) {
            throw new IllegalArgumentException("meanTimeBetweenKills must be > 0, was " + meanTimeBetweenKills);
        }
        if (minTimeBetweenKills.isNegative()) {
            throw new IllegalArgumentException("minTimeBetweenKills must be >= 0, was " + minTimeBetweenKills);
        }
    }

    /** The chance that a group is killed on one working day: {@code min(1, 1 / mean in days)}. */
    public double dailyKillProbability() {
        double days = meanTimeBetweenKills.toMillis() / (double) Duration.ofDays(1).toMillis();
        return Math.min(1.0, 1.0 / days);
    }

    /**
     * The experiment one scheduled kill of {@code group} runs: only that group, one instance, and the schedule's
     * {@code minTimeBetweenKills} when it is larger than the experiment's.
     */
    public ExperimentSpec experimentFor(GroupRef group) {
        Guardrails own = experiment.guardrails();
        Duration minTime = own.minTimeBetweenKills().compareTo(minTimeBetweenKills) >= 0
                ? own.minTimeBetweenKills() : minTimeBetweenKills;
        Guardrails guardrails = new Guardrails(own.minHealthyPercent(), own.minHealthyInstances(), own.maxTerminations(), minTime);
        Map<String, String> tags = experiment.targets().tags();
        Targets only = new Targets(Set.of(group.provider()), Set.of(group.region()), Set.of(group.name()), tags,
                experiment.targets().scope());
        // Schedules never share a group with another run.
        return new ExperimentSpec(experiment.name() + " @ " + group, only, Selection.count(1), guardrails,
                experiment.recovery(), experiment.dryRun(), experiment.seed(), ExperimentSpec.Concurrency.EXCLUSIVE,
                experiment.steadyState(), Duration.ZERO);
    }

    @Override
    public String toString() {
        return name + " (mean " + Durations.format(meanTimeBetweenKills) + " working days, window " + window.from() + "-"
                + window.to() + " " + window.zone() + (enabled ? "" : ", disabled") + ")";
    }
}
