package dev.macaque.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.simulated.random.DeterministicRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduling API that embedded code (the experiment engine) uses. */
class EventQueueTest {
    private final SimulatedWorld world = SimulatedWorld.builder().build();
    private final Instant t0 = SimulatedWorld.DEFAULT_START;

    @Test
    void tasksRunInTimeOrderAndTiesInInsertionOrder() {
        List<String> ran = new ArrayList<>();
        world.schedule(t0.plusSeconds(5), () -> ran.add("b@5"));
        world.schedule(t0.plusSeconds(1), () -> ran.add("a@1"));
        world.schedule(t0.plusSeconds(5), () -> ran.add("c@5"));
        world.schedule(t0.plusSeconds(5), () -> world.scheduleAfter(Duration.ZERO, () -> ran.add("e@5-nested")));
        world.schedule(t0.plusSeconds(5), () -> ran.add("d@5"));

        world.runFor(Duration.ofSeconds(10));

        assertThat(ran).containsExactly("a@1", "b@5", "c@5", "d@5", "e@5-nested");
        assertThat(world.now()).isEqualTo(t0.plusSeconds(10));
    }

    @Test
    void theClockReadsVirtualTimeInsideTasks() {
        List<Instant> seen = new ArrayList<>();
        world.scheduleAfter(Duration.ofHours(3), () -> seen.add(world.clock().instant()));

        world.runFor(Duration.ofDays(1));

        assertThat(seen).containsExactly(t0.plus(Duration.ofHours(3)));
        assertThat(world.clock().instant()).isEqualTo(t0.plus(Duration.ofDays(1)));
    }

    @Test
    void aCancelledTaskDoesNotRun() {
        List<String> ran = new ArrayList<>();
        ScheduledTask task = world.scheduleAfter(Duration.ofMinutes(1), () -> ran.add("no"));
        world.scheduleAfter(Duration.ofMinutes(2), () -> ran.add("yes"));

        assertThat(task.isPending()).isTrue();
        assertThat(task.cancel()).isTrue();
        assertThat(task.cancel()).isFalse();
        world.runFor(Duration.ofMinutes(5));

        assertThat(ran).containsExactly("yes");
        assertThat(task.isPending()).isFalse();
    }

    @Test
    void thePastCannotBeScheduledNorRunTo() {
        world.runFor(Duration.ofHours(1));

        assertThatThrownBy(() -> world.schedule(t0, () -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before the world's now");
        assertThatThrownBy(() -> world.runUntil(t0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot run back in time");
    }

    @Test
    void embeddedEventsShareTheWorldLogAndItsSequence() {
        List<LoggedEvent> log = new ArrayList<>();
        world.addEventSink(log::add);
        world.scheduleAfter(Duration.ofMillis(1500), () -> world.log("engine.tick", "n", 1, "ratio", 0.1, "ok", true, "none", null));

        world.runFor(Duration.ofSeconds(2));

        assertThat(log).extracting(LoggedEvent::toJson).containsExactly(
                "{\"t\":\"PT0S\",\"seq\":0,\"type\":\"world.started\",\"name\":\"world\",\"seed\":0,"
                        + "\"start\":\"2026-01-01T00:00:00Z\",\"groups\":0,\"services\":0,\"faults\":0}",
                "{\"t\":\"PT1.5S\",\"seq\":1,\"type\":\"engine.tick\",\"n\":1,\"ratio\":0.1,\"ok\":true,\"none\":null}");
    }

    @Test
    void numbersAreFormattedWithoutDependingOnDoubleToString() {
        assertThat(LoggedEvent.formatNumber(0.1)).isEqualTo("0.1");
        assertThat(LoggedEvent.formatNumber(2e23)).isEqualTo("200000000000000000000000");
        assertThat(LoggedEvent.formatNumber(1.0 / 3)).isEqualTo("0.333333333333333");
        assertThat(LoggedEvent.formatNumber(100.0)).isEqualTo("100");
        assertThat(LoggedEvent.formatNumber(-0.0)).isEqualTo("0");
        assertThat(LoggedEvent.formatNumber(Double.NaN)).isEqualTo("\"NaN\"");
    }

    @Test
    void randomStreamsAreFixedBySeedAndNamedChildrenAreIndependentOfPosition() {
        DeterministicRandom a = new DeterministicRandom(42);
        DeterministicRandom b = new DeterministicRandom(42);
        assertThat(a.nextLong()).isEqualTo(b.nextLong());
        // SplitMix64's published first output for seed 0 (so the stream cannot silently change)
        assertThat(new DeterministicRandom(0).nextLong()).isEqualTo(0xE220A8397B1DCDAFL);
        long childFirst = a.child("group:api").nextLong();
        a.nextLong();
        assertThat(a.child("group:api").nextLong()).isEqualTo(childFirst);
        assertThat(a.child("group:db").nextLong()).isNotEqualTo(childFirst);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.nextInt(7)).isBetween(0, 6);
            assertThat(a.nextLongBetween(10, 12)).isBetween(10L, 12L);
            assertThat(a.nextDouble()).isGreaterThanOrEqualTo(0).isLessThan(1);
        }
    }
}
