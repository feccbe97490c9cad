package dev.macaque.schedule;

import dev.macaque.engine.SeededRandom;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Decides, purely from (seed, group, day), whether and when a schedule kills a group on a given day. Nothing is
 * stored and no clock is read: the server, the simulator and {@code upcoming} previews all agree, and a schedule's
 * plan for a day never changes when other days or groups are added.
 *
 * <p>Each working day, a group is killed with probability {@link KillSchedule#dailyKillProbability()}; the time is
 * uniform over the real (elapsed) time between the window's start and end on that day, so it is DST-correct: on the
 * day clocks spring forward a 01:00–04:00 window is two hours long, on the day they fall back it is four hours
 * long, and a window bound that falls in a gap moves forward by the gap's length (as {@link java.time.ZonedDateTime}
 * resolves it). Thread-safe.
 */
public final class ScheduleCalendar {
    /** {@link #upcoming} looks at most this many days ahead, so that a schedule with no working day terminates. */
    static final int MAX_DAYS_AHEAD = 3 * 366;

    private final KillSchedule schedule;
    private final long seed;

    public ScheduleCalendar(KillSchedule schedule, long seed) {
        this.schedule = Objects.requireNonNull(schedule, "schedule is null");
        this.seed = seed;
    }

    /** The kill of {@code group} on {@code day} (local date in the window's zone), if there is one. */
    public Optional<PlannedKill> killOn(GroupRef group, LocalDate day) {
        ScheduleWindow window = schedule.window();
        if (!schedule.enabled() || !window.isWorkingDay(day)) {
            return Optional.empty();
        }
        SplittableRandom random = SeededRandom.stream(seed, "schedule/" + group + "/" + day);
        if (random.nextDouble() >= schedule.dailyKillProbability()) {
            return Optional.empty();
        }
        Instant start = day.atTime(window.from()).atZone(window.zone()).toInstant();
        Instant end = day.atTime(window.to()).atZone(window.zone()).toInstant();
        long span = Duration.between(start, end).toMillis();
        if (span <= 0) {
            return Optional.empty();
        }
        return Optional.of(new PlannedKill(group, day, start.plusMillis(random.nextLong(span))));
    }

    /**
     * The next {@code count} kills of {@code group} at or after {@code from}, in time order; fewer when none is
     * planned within {@value #MAX_DAYS_AHEAD} days.
     */
    public List<PlannedKill> upcoming(GroupRef group, Instant from, int count) {
        List<PlannedKill> kills = new ArrayList<>();
        LocalDate day = from.atZone(schedule.window().zone()).toLocalDate();
        for (int i = 0; i <= MAX_DAYS_AHEAD && kills.size() < count; i++, day = day.plusDays(1)) {
            killOn(group, day).filter(kill -> !kill.at().isBefore(from)).ifPresent(kills::add);
        }
        return kills;
    }

    /** The next {@code count} kills across {@code groups} at or after {@code from}, in time order (ties by group). */
    public List<PlannedKill> upcoming(List<GroupRef> groups, Instant from, int count) {
        List<PlannedKill> kills = new ArrayList<>();
        LocalDate day = from.atZone(schedule.window().zone()).toLocalDate();
        for (int i = 0; i <= MAX_DAYS_AHEAD && kills.size() < count; i++, day = day.plusDays(1)) {
            List<PlannedKill> thatDay = new ArrayList<>();
            for (GroupRef group : groups) {
                killOn(group, day).filter(kill -> !kill.at().isBefore(from)).ifPresent(thatDay::add);
            }
            thatDay.sort(Comparator.comparing(PlannedKill::at).thenComparing(k -> k.group().toString()));
            kills.addAll(thatDay);
        }
        return kills.size() > count ? List.copyOf(kills.subList(0, count)) : kills;
    }
}
