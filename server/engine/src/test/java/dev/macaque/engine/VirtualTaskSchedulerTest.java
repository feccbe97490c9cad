package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualTaskSchedulerTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final VirtualTaskScheduler scheduler = new VirtualTaskScheduler(T0);
    private final List<String> ran = new ArrayList<>();

    @Test
    void runsTasksInTimeThenInsertionOrderAdvancingTheClockToEach() {
        scheduler.schedule(Duration.ofSeconds(5), () -> ran.add("b@" + scheduler.now()));
        scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("a@" + scheduler.now()));
        scheduler.schedule(Duration.ofSeconds(5), () -> ran.add("c@" + scheduler.now()));
        scheduler.runUntilIdle();
        assertThat(ran).containsExactly("a@2026-01-01T00:00:01Z", "b@2026-01-01T00:00:05Z", "c@2026-01-01T00:00:05Z");
        assertThat(scheduler.now()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void tasksScheduledByTasksRunInTheSameDrain() {
        scheduler.schedule(Duration.ZERO, () -> scheduler.schedule(Duration.ofMinutes(1), () -> ran.add("nested")));
        scheduler.runUntilIdle();
        assertThat(ran).containsExactly("nested");
        assertThat(scheduler.now()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void runUntilStopsAtTheGivenTimeAndLeavesLaterTasksPending() {
        scheduler.schedule(Duration.ofSeconds(10), () -> ran.add("early"));
        scheduler.schedule(Duration.ofSeconds(30), () -> ran.add("late"));
        scheduler.runUntil(T0.plusSeconds(20));
        assertThat(ran).containsExactly("early");
        assertThat(scheduler.now()).isEqualTo(T0.plusSeconds(20));
        assertThat(scheduler.pendingTasks()).isEqualTo(1);
    }

    @Test
    void cancelledTasksNeverRun() {
        Cancellable task = scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
        assertThat(task.cancel()).isTrue();
        assertThat(task.cancel()).isFalse();
        scheduler.runUntilIdle();
        assertThat(ran).isEmpty();
    }

    @Test
    void refusesThePast() {
        assertThatThrownBy(() -> scheduler.schedule(Duration.ofSeconds(-1), () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past");
        scheduler.runFor(Duration.ofSeconds(5));
        assertThatThrownBy(() -> scheduler.runUntil(T0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stopsATaskThatReschedulesItselfForever() {
        Runnable[] forever = new Runnable[1];
        forever[0] = () -> scheduler.schedule(Duration.ofSeconds(1), forever[0]);
        scheduler.schedule(Duration.ZERO, forever[0]);
        assertThatThrownBy(() -> scheduler.runUntilIdle(100)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("still busy after 100 tasks");
    }

    @Test
    void clockViewsInOtherZonesFollowVirtualTime() {
        var paris = scheduler.clock().withZone(java.time.ZoneId.of("Europe/Paris"));
        scheduler.runFor(Duration.ofHours(1));
        assertThat(paris.instant()).isEqualTo(T0.plusSeconds(3600));
    }
}
