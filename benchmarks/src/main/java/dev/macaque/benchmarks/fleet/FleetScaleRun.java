package dev.macaque.benchmarks.fleet;

import dev.macaque.benchmarks.world.EngineInWorld;
import dev.macaque.benchmarks.world.Fleets;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Recovery;
import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.RunState;
import dev.macaque.schedule.KillSchedule;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.schedule.ScheduleWindow;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.spi.GroupRef;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A month of chaos on a large simulated fleet, all through the engine: an experiment killing one instance anywhere
 * in the fleet every simulated hour, plus a Chaos Monkey schedule with {@code meanTimeBetweenKills: 1d} on every
 * group (every day of the week, all day), each planned kill run as {@link KillSchedule#experimentFor}. Every run
 * selects, kills and verifies recovery against the simulated provider. One month per instance.
 */
public final class FleetScaleRun {
    private static final ExperimentSpec HOURLY = new ExperimentSpec("hourly", Targets.ANY, Selection.count(1),
            Guardrails.DEFAULTS, Recovery.DEFAULTS, false, null);
    private static final KillSchedule DAILY = new KillSchedule("daily", HOURLY, Duration.ofDays(1), Duration.ZERO,
            new ScheduleWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT, LocalTime.of(23, 59), ZoneOffset.UTC,
                    Set.of()), true);

    /**
     * What a month did.
     *
     * @param runsStarted   experiment runs started (world only: kills attempted)
     * @param runsCompleted runs that ended COMPLETED (world only: kills made)
     * @param runsFailed    runs that ended otherwise (world only: groups with no healthy member to kill)
     * @param worldEvents   events the world's queue ever scheduled
     * @param runEvents     run events the engine recorded
     */
    public record Outcome(long runsStarted, long runsCompleted, long runsFailed, long worldEvents, long runEvents) {
    }

    private final EngineInWorld engine;
    private final List<GroupRef> groups = new ArrayList<>();
    private final ScheduleCalendar calendar;
    private final long seed;
    private long started;
    private long completed;
    private long failed;
    private boolean ran;

    public FleetScaleRun(long seed, int groupCount, int instancesPerGroup, int regions) {
        SimulatedWorld world = Fleets.world(seed, groupCount, instancesPerGroup, regions);
        this.engine = new EngineInWorld(world, seed);
        for (int i = 0; i < groupCount; i++) {
            groups.add(new GroupRef(EngineInWorld.PROVIDER_ID, Fleets.regionName(i % regions), Fleets.groupName(i)));
        }
        this.calendar = new ScheduleCalendar(DAILY, seed);
        this.seed = seed;
    }

    /** Runs {@code days} simulated days from the world's start, every kill an experiment run through the engine. */
    public Outcome run(int days) {
        return month(days, true);
    }

    /**
     * The baseline: the same kills at the same instants, made directly in the world (no discovery, selection,
     * guardrails, events or verification; the hourly victim group is drawn uniformly with a seeded stream).
     */
    public Outcome worldOnly(int days) {
        return month(days, false);
    }

    private Outcome month(int days, boolean throughEngine) {
        if (ran) {
            throw new IllegalStateException("a FleetScaleRun simulates one month from its world's start; build another");
        }
        ran = true;
        SimulatedWorld world = engine.world();
        LocalDate first = world.start().atZone(ZoneOffset.UTC).toLocalDate();
        for (int day = 0; day < days; day++) {
            LocalDate date = first.plusDays(day);
            world.schedule(date.atStartOfDay(ZoneOffset.UTC).toInstant(), () -> planDay(date, throughEngine));
        }
        SplittableRandom hourlyGroups = new SplittableRandom(seed);
        for (long hour = 0; hour < days * 24L; hour++) {
            long n = hour;
            world.scheduleAfter(Duration.ofHours(hour).plusMinutes(30), throughEngine
                    ? () -> start("hourly-" + n, HOURLY)
                    : () -> kill(groups.get(hourlyGroups.nextInt(groups.size()))));
        }
        world.runFor(Duration.ofDays(days));
        return new Outcome(started, completed, failed, world.scheduledEvents(), engine.recorder().recorded());
    }

    /** Plans one day's scheduled kills at its start, so only a day of plans is ever held. */
    private void planDay(LocalDate date, boolean throughEngine) {
        for (GroupRef group : groups) {
            calendar.killOn(group, date).ifPresent(kill -> engine.world().schedule(kill.at(), throughEngine
                    ? () -> start("daily-" + date + "-" + group.name(), DAILY.experimentFor(group))
                    : () -> kill(group)));
        }
    }

    private void kill(GroupRef group) {
        started++;
        if (engine.world().terminateRandomMember(group.name(), "chaos").isPresent()) {
            completed++;
        } else {
            failed++;
        }
    }

    private void start(String runId, ExperimentSpec spec) {
        started++;
        engine.runner().start(runId, spec).completion().thenAccept(result -> {
            if (result.state() == RunState.COMPLETED) {
                completed++;
            } else {
                failed++;
            }
        });
    }
}
