package dev.macaque.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.random.DeterministicRandom;
import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scale target, run once as a smoke test (the benchmarks module measures it properly): 10,000 groups
 * × 10 instances, 30 simulated days, a kill every simulated hour. Idle groups must cost nothing per tick.
 */
class ScaleTest {

    @Test
    void tenThousandGroupsForThirtyDaysWithAKillEveryHourRunInSeconds() {
        SimulatedWorld.Builder builder = SimulatedWorld.builder().seed(1);
        for (int g = 0; g < 10_000; g++) {
            String name = "g" + g;
            builder.group(GroupSpec.of(name, "r" + (g % 4), List.of("a", "b", "c"), 10,
                    new BootTime(Duration.ofSeconds(60), Duration.ofSeconds(120)), Map.of("macaque-enabled", "true")));
            builder.service(ServiceSpec.of(name, name, 100, 850));
        }
        long started = System.nanoTime();
        SimulatedWorld world = builder.build();
        DeterministicRandom chaos = new DeterministicRandom(1).child("kills");
        Runnable[] kill = new Runnable[1];
        kill[0] = () -> {
            world.terminateRandomMember("g" + chaos.nextInt(10_000), "chaos");
            world.scheduleAfter(Duration.ofHours(1), kill[0]);
        };
        world.scheduleAfter(Duration.ofHours(1), kill[0]);

        world.runFor(Duration.ofDays(30));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).as("build and run").isLessThan(Duration.ofSeconds(30));
        // 720 kills, each: terminating, terminated, launch, boot, healthy (+ the next kill)
        assertThat(world.scheduledEvents()).isBetween(720L * 4, 720L * 6);
        assertThat(world.pendingEvents()).as("the replacement for the kill at 30d and the next kill").isEqualTo(2);
        double availability = world.availability("g0");
        assertThat(availability).isBetween(99.0, 100.0);
        System.out.println("scale smoke test: " + took.toMillis() + " ms, " + world.scheduledEvents() + " events");
    }
}
