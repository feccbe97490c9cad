package dev.macaque.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Load;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Stretches in which a service served less than its load, with hand-computed request totals. */
class ShortfallTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private static GroupSpec group(String name, int desired, Duration boot) {
        return GroupSpec.of(name, "r1", List.of("a", "b"), desired, BootTime.fixed(boot), Map.of());
    }

    @Test
    void aDependencysOverloadIsAShortfallOfEveryCallerNamingTheDependencyAsCulprit() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("db", 2, Duration.ofSeconds(20)))
                .group(group("api", 3, Duration.ofSeconds(20)))
                .service(ServiceSpec.of("db", "db", 100, 150))
                .service(ServiceSpec.of("api", "api", 100, 200, "db"))
                .build();
        List<LoggedEvent> events = new ArrayList<>();
        world.addEventSink(events::add);
        world.schedule(SimulatedWorld.DEFAULT_START.plus(HOUR), () -> world.terminateRandomMember("db", "test"));

        world.runFor(Duration.ofHours(2));

        // db at 100 of 150 rps for 10s replacement delay + 20s boot: both serve 2/3 of their requests for 30s.
        for (String service : List.of("db", "api")) {
            assertThat(world.shortfalls(service)).singleElement().satisfies(s -> {
                assertThat(s.from()).isEqualTo(HOUR);
                assertThat(s.to()).contains(HOUR.plusSeconds(30));
                assertThat(s.culprit()).isEqualTo("db");
                assertThat(s.unservedPercent()).isCloseTo(100.0 / 3, within(1e-9));
            });
        }
        assertThat(world.shortfalls("api").get(0).offeredRequests()).isCloseTo(200.0 * 30, within(1e-6));
        assertThat(events).filteredOn(e -> e.type().equals("service.shortfall_started"))
                .extracting(e -> e.field("service") + "<-" + e.field("culprit")).containsExactly("db<-db", "api<-db");
        assertThat(events).filteredOn(e -> e.type().equals("instance.terminating"))
                .allSatisfy(e -> assertThat(e.field("zone")).isIn("a", "b"));
    }

    @Test
    void aKillWithHeadroomIsNoShortfall() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 3, Duration.ofSeconds(20)))
                .service(ServiceSpec.of("api", "api", 100, 200))
                .build();
        world.schedule(SimulatedWorld.DEFAULT_START.plus(HOUR), () -> world.terminateRandomMember("api", "test"));

        world.runFor(Duration.ofHours(2));

        assertThat(world.shortfalls("api")).isEmpty();
        assertThat(world.recoveryEpisodes("api")).hasSize(1);
    }

    @Test
    void aShortfallStillGoingAtTheEndHasNoEndAndItsTotalsUpToNow() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 2, Duration.ofDays(1)))
                .service(ServiceSpec.of("api", "api", 100, 150))
                .build();
        world.schedule(SimulatedWorld.DEFAULT_START.plus(HOUR), () -> world.terminateRandomMember("api", "test"));

        world.runFor(Duration.ofHours(2));

        assertThat(world.shortfalls("api")).singleElement().satisfies(s -> {
            assertThat(s.to()).isEqualTo(Optional.empty());
            assertThat(s.offeredRequests()).isCloseTo(150.0 * 3600, within(1e-6));
            assertThat(s.servedRequests()).isCloseTo(100.0 * 3600, within(1e-6));
        });
    }

    @Test
    void aDailyPeakAboveFullCapacityIsAShortfallBetweenTheCrossings() {
        // load 0..200 rps, peak at 12:00; full capacity 100 rps is crossed at 06:00 and 18:00 (cos = 0).
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 1, Duration.ofSeconds(20)))
                .service(new ServiceSpec("api", "api", 100, new Load.Daily(0, 200, Duration.ofHours(12)), List.of(), Optional.empty()))
                .build();

        world.runFor(Duration.ofDays(1));

        assertThat(world.shortfalls("api")).singleElement().satisfies(s -> {
            assertThat(s.from().toSeconds()).isEqualTo(6 * 3600);
            assertThat(s.to().orElseThrow().toSeconds()).isBetween(18 * 3600L - 1, 18 * 3600L);
            assertThat(s.culprit()).isEqualTo("api");
        });
    }

    @Test
    void healthyByZoneCountsHealthyMembersPerZoneInZoneOrder() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(GroupSpec.of("api", "r1", List.of("a", "b", "c"), 5, BootTime.fixed(Duration.ofSeconds(20)), Map.of()))
                .build();

        assertThat(world.healthyByZone("api")).containsExactly(Map.entry("a", 2), Map.entry("b", 2), Map.entry("c", 1));
    }
}
