package dev.macaque.simulate;

import dev.macaque.engine.ExperimentSpec;
import dev.macaque.schedule.KillSchedule;
import java.time.Duration;
import java.util.Objects;

/** One validated entry of a scenario's {@code chaos} list. */
public sealed interface ChaosAction {

    /** Position in the scenario's {@code chaos} list, from 0. */
    int index();

    /** Line of the entry in the scenario file. */
    int line();

    /** {@code {at: 2h, experiment: {...}}}: one run of the experiment at virtual time {@code at}. */
    record OneShot(int index, int line, Duration at, ExperimentSpec experiment) implements ChaosAction {
        public OneShot {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(experiment, "experiment");
        }
    }

    /**
     * {@code {schedule: {...}, experiment: {...}}}: Chaos Monkey mode, planned by
     * {@link dev.macaque.schedule.ScheduleCalendar} exactly as the server plans it.
     */
    record Scheduled(int index, int line, KillSchedule schedule) implements ChaosAction {
        public Scheduled {
            Objects.requireNonNull(schedule, "schedule");
        }
    }
}
