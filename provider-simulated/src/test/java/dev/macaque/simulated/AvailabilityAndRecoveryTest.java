package dev.macaque.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.FaultSpec;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Load;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Hand-computed availability and recovery times. */
class AvailabilityAndRecoveryTest {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Instant0 T = new Instant0();

    /** Times relative to {@link SimulatedWorld#DEFAULT_START}. */
    private static final class Instant0 {
        java.time.Instant at(Duration since) {
            return SimulatedWorld.DEFAULT_START.plus(since);
        }
    }

    private static GroupSpec group(String name, int desired, Duration boot) {
        return GroupSpec.of(name, "r1", List.of("a", "b"), desired, BootTime.fixed(boot), Map.of());
    }

    @Test
    void withoutChaosAndWithEnoughCapacityAvailabilityIsExactly100() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 3, Duration.ofMinutes(1)))
                .group(group("db", 2, Duration.ofMinutes(1)))
                .service(ServiceSpec.of("db", "db", 100, 200))
                .service(ServiceSpec.of("api", "api", 100, 300, "db"))
                .build();

        world.runFor(Duration.ofDays(30));

        assertThat(world.availability("api")).isEqualTo(100.0);
        assertThat(world.availability("db")).isEqualTo(100.0);
        assertThat(world.serviceMetrics("api").offeredRequests()).isEqualTo(300.0 * 30 * 86_400);
        assertThat(world.recoveryEpisodes("api")).isEmpty();
    }

    @Test
    void oneKillBelowNeededCapacityCostsExactlyTheMissingCapacityUntilTheReplacementIsHealthy() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 4, Duration.ofSeconds(60)).withHealthCheckGrace(Duration.ofSeconds(30)))
                .service(ServiceSpec.of("api", "api", 100, 350))
                .build();
        world.schedule(T.at(HOUR), () -> world.terminateRandomMember("api", "test"));

        world.runFor(Duration.ofHours(2));

        // 10s replacement delay + 60s boot + 30s grace = 100s at 300 of 350 rps
        double offered = 350.0 * 7200;
        double lost = 50.0 * 100;
        assertThat(world.availability("api")).isCloseTo(100 * (offered - lost) / offered, within(1e-9));
        assertThat(world.recoveryEpisodes("api")).singleElement().satisfies(e -> {
            assertThat(e.leftService()).isEqualTo(HOUR);
            assertThat(e.recovered()).contains(HOUR.plusSeconds(100));
            assertThat(e.seconds()).isEqualTo(100.0);
            assertThat(e.healthyBefore()).isEqualTo(4);
        });
    }

    @Test
    void aDependencysLossIsMultipliedIntoItsCallers() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("db", 2, Duration.ofSeconds(20)))
                .group(group("api", 3, Duration.ofSeconds(20)))
                .service(ServiceSpec.of("db", "db", 100, 150))
                .service(ServiceSpec.of("api", "api", 100, 200, "db"))
                .build();
        world.schedule(T.at(HOUR), () -> world.terminateRandomMember("db", "test"));

        world.runFor(Duration.ofHours(2));

        // db at 100 of 150 rps for 10s + 20s: db and api both serve 2/3 of their requests meanwhile.
        assertThat(world.availability("db")).isCloseTo(100 * (7170 + 30 * 2.0 / 3) / 7200, within(1e-9));
        assertThat(world.availability("api")).isCloseTo(100 * (7170 + 30 * 2.0 / 3) / 7200, within(1e-9));
        assertThat(world.recoveryEpisodes("api")).isEmpty();
        assertThat(world.recoveryEpisodes("db")).singleElement().extracting(RecoveryEpisode::seconds).isEqualTo(30.0);
        List<SeriesPoint> series = world.series("api");
        assertThat(series).extracting(SeriesPoint::at).containsExactly(Duration.ZERO, HOUR, HOUR.plusSeconds(30));
        assertThat(series.get(1).successRatio()).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(series.get(1).healthyCapacity()).isEqualTo(300.0);
    }

    @Test
    void launchesFailDuringACapacityErrorAndAreRetriedEveryReplacementDelay() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 2, Duration.ofSeconds(60)))
                .fault(new FaultSpec.LaunchCapacityError("api", HOUR, Duration.ofMinutes(5)))
                .build();
        List<LoggedEvent> events = new ArrayList<>();
        world.addEventSink(events::add);
        world.schedule(T.at(HOUR), () -> world.terminateRandomMember("api", "test"));

        world.runFor(Duration.ofHours(2));

        // attempts at 1h+10s … 1h+4m50s fail (29), the one at 1h+5m succeeds, boot 60s.
        assertThat(events).filteredOn(e -> e.type().equals("launch.failed")).hasSize(29)
                .allSatisfy(e -> assertThat(e.field("reason")).isEqualTo("insufficient-capacity"));
        assertThat(world.recoveryEpisodes("api")).singleElement().extracting(RecoveryEpisode::seconds).isEqualTo(360.0);
    }

    @Test
    void aZoneOutageTakesTheZonesMembersAndTheGroupRelaunchesInItsOtherZones() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 4, Duration.ofSeconds(60)))
                .service(ServiceSpec.of("api", "api", 100, 300))
                .fault(new FaultSpec.ZoneOutage("r1", "a", HOUR, Duration.ofMinutes(30)))
                .build();
        SimulatedProvider provider = world.provider("sim");
        var ref = provider.listGroups(dev.macaque.spi.GroupFilter.ALL).get(0).ref();

        world.runFor(Duration.ofHours(2));

        // two of four members were in zone a: 200 of 300 rps for 10s + 60s
        assertThat(world.availability("api")).isCloseTo(100 * (7200 - 70 / 3.0) / 7200, within(1e-9));
        assertThat(world.recoveryEpisodes("api")).singleElement().extracting(RecoveryEpisode::seconds).isEqualTo(70.0);
        assertThat(provider.describeGroup(ref).instances()).extracting(dev.macaque.spi.Instance::zone)
                .containsExactly("b", "b", "b", "b");
    }

    @Test
    void withNoZoneLeftLaunchesFailUntilTheOutageEnds() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(GroupSpec.of("api", "r1", List.of("a"), 2, BootTime.fixed(Duration.ofSeconds(60)), Map.of()))
                .service(ServiceSpec.of("api", "api", 100, 100))
                .fault(new FaultSpec.ZoneOutage("r1", "a", HOUR, Duration.ofMinutes(15)))
                .build();

        world.runFor(Duration.ofHours(2));

        // nothing served from 1h to 1h15m (outage) + 60s boot of the launch at exactly 1h15m
        assertThat(world.recoveryEpisodes("api")).singleElement().extracting(RecoveryEpisode::seconds).isEqualTo(960.0);
        assertThat(world.availability("api")).isCloseTo(100 * (7200 - 960) / 7200.0, within(1e-9));
    }

    @Test
    void dailyCurveAvailabilityMatchesTheClosedForm() {
        double base = 100;
        double peak = 500;
        double capacityPerInstance = 100;
        int instances = 4;
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", instances, Duration.ofSeconds(60)))
                .service(new ServiceSpec("api", "api", capacityPerInstance, new Load.Daily(base, peak, Duration.ofHours(14)),
                        List.of(), Optional.empty()))
                .build();

        world.runFor(Duration.ofDays(3));

        // Over a whole day: offered = (base + peak) / 2 * day. Above capacity C the excess is
        // ∫ (L - C) over the window where cos θ > k, k = 2 (C - base) / A - 1, θ0 = acos k:
        // [(base + A/2 - C) 2θ0 + A sin θ0] * day / 2π.
        double day = 86_400;
        double c = capacityPerInstance * instances;
        double a = peak - base;
        double theta0 = Math.acos(2 * (c - base) / a - 1);
        double offered = (base + peak) / 2 * day;
        double excess = ((base + a / 2 - c) * 2 * theta0 + a * Math.sin(theta0)) * day / (2 * Math.PI);
        ServiceMetrics metrics = world.serviceMetrics("api");
        assertThat(metrics.offeredRequests()).isCloseTo(3 * offered, within(3 * offered * 1e-12));
        assertThat(world.availability("api")).isCloseTo(100 * (offered - excess) / offered, within(1e-9));
    }

    @Test
    void peakAtIsAUtcTimeOfDayWhateverTheStartInstant() {
        SimulatedWorld world = SimulatedWorld.builder().start(java.time.Instant.parse("2026-11-26T12:00:00Z"))
                .group(group("api", 10, Duration.ofSeconds(60)))
                .service(new ServiceSpec("api", "api", 100, new Load.Daily(100, 500, Duration.ofHours(14)), List.of(),
                        Optional.empty()))
                .build();

        assertThat(world.series("api").get(0).load()).as("12:00 UTC, two hours before the peak")
                .isCloseTo(100 + 400 * (1 + Math.cos(2 * Math.PI * -2 / 24)) / 2, within(1e-9));
        world.runFor(Duration.ofHours(2));
        world.terminateRandomMember("api", "test");
        assertThat(world.series("api").get(1).load()).as("14:00 UTC").isCloseTo(500, within(1e-9));
    }

    @Test
    void overloadedMembersCrashAfterOverloadCrashAfterAndTheGroupCascades() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 2, Duration.ofSeconds(60)))
                .service(ServiceSpec.of("api", "api", 100, 150).withOverloadCrashAfter(Duration.ofMinutes(1)))
                .build();
        List<LoggedEvent> crashes = new ArrayList<>();
        world.addEventSink(e -> {
            if ("overload".equals(e.field("cause"))) {
                crashes.add(e);
            }
        });
        world.schedule(T.at(HOUR), () -> world.terminateRandomMember("api", "test"));

        world.runFor(Duration.ofHours(2));

        // the survivor is over 100% from 1h and crashes at 1h1m; the first replacement (healthy 1h1m10s) at 1h2m10s …
        assertThat(crashes).hasSizeGreaterThan(10);
        assertThat(crashes.get(0).time()).isEqualTo(HOUR.plusMinutes(1));
        assertThat(crashes.get(1).time()).isEqualTo(HOUR.plusMinutes(2).plusSeconds(10));
        assertThat(world.recoveryEpisodes("api")).singleElement().satisfies(e -> assertThat(e.isRecovered()).isFalse());
        assertThat(world.availability("api")).as("99.68%% without the crashes").isLessThan(85);
    }

    @Test
    void withoutOverloadCrashesTheSameKillRecovers() {
        SimulatedWorld world = SimulatedWorld.builder()
                .group(group("api", 2, Duration.ofSeconds(60)))
                .service(ServiceSpec.of("api", "api", 100, 150))
                .build();
        world.schedule(T.at(HOUR), () -> world.terminateRandomMember("api", "test"));

        world.runFor(Duration.ofHours(2));

        assertThat(world.recoveryEpisodes("api")).singleElement().extracting(RecoveryEpisode::seconds).isEqualTo(70.0);
        assertThat(world.availability("api")).isCloseTo(100 * (7200 - 70 / 3.0) / 7200, within(1e-9));
    }

    @Test
    void aRandomBootTimeStaysWithinItsBounds() {
        SimulatedWorld world = SimulatedWorld.builder().seed(3)
                .group(GroupSpec.of("api", "r1", List.of("a"), 3, new BootTime(Duration.ofSeconds(60), Duration.ofSeconds(120)),
                        Map.of()).withHealthCheckGrace(Duration.ofSeconds(30)))
                .build();
        for (int h = 1; h <= 48; h++) {
            world.schedule(T.at(Duration.ofHours(h)), () -> world.terminateRandomMember("api", "test"));
        }

        world.runFor(Duration.ofDays(3));

        List<RecoveryEpisode> episodes = world.recoveryEpisodes("api");
        assertThat(world.allRecoveryEpisodes()).isEqualTo(episodes);
        assertThat(episodes).hasSize(48).allSatisfy(e -> assertThat(e.seconds()).isBetween(100.0, 160.0));
        assertThat(episodes.stream().mapToDouble(RecoveryEpisode::seconds).distinct().count()).isGreaterThan(40);
    }
}
