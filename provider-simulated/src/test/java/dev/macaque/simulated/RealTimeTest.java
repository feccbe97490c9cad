package dev.macaque.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factory, the demo world and coupling to real time, with a hand-moved real clock. */
class RealTimeTest {
    private static final Instant REAL_START = Instant.parse("2026-11-26T12:00:00Z");

    /** A real-time reference the test moves by hand. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(REAL_START);

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static ProviderContext context(Map<String, String> config, Clock clock) {
        return new ProviderContext() {
            @Override
            public String instanceId() {
                return "demo";
            }

            @Override
            public Map<String, String> config() {
                return config;
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("test");
            }
        };
    }

    @Test
    void theFactoryIsFoundByServiceLoaderAndReportsTheCurrentSpi() {
        List<ProviderFactory> factories = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList();

        assertThat(factories).anySatisfy(f -> {
            assertThat(f).isInstanceOf(SimulatedProviderFactory.class);
            assertThat(f.type()).isEqualTo("simulated");
            assertThat(f.spiVersion()).isEqualTo(SpiVersion.CURRENT);
            assertThat(f.configKeys()).extracting(k -> k.name()).containsExactly("world", "speed", "seed");
        });
    }

    @Test
    void theDemoWorldShowsLiveGroupsAndFollowsTheRealClockAtSpeed() throws Exception {
        MovableClock real = new MovableClock();
        try (CloudProvider provider = new SimulatedProviderFactory().create(context(Map.of("speed", "60"), real))) {
            SimulatedWorld world = ((SimulatedProvider) provider).world();
            List<GroupSummary> groups = provider.listGroups(GroupFilter.ALL);
            assertThat(groups).hasSizeGreaterThanOrEqualTo(4);
            assertThat(groups).filteredOn(GroupSummary::optedIn).hasSizeLessThan(groups.size());
            assertThat(groups.stream().map(g -> OptIn.weight(g.tags()).orElse(0)).distinct().count()).isGreaterThan(1);
            assertThat(world.clock().instant()).isEqualTo(REAL_START);

            GroupRef web = groups.stream().filter(g -> g.ref().name().equals("web")).findFirst().orElseThrow().ref();
            String victim = provider.describeGroup(web).healthyInService().get(0).id();
            TerminationResult result = provider.terminate(new TerminationRequest(web, victim, false, "test", "k1"));
            assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
            assertThat(provider.health(web).atDesiredCapacity()).isFalse();

            // 5 real seconds at 60x = 5 virtual minutes: the web replacement (10s + ≤90s boot + 20s grace) is healthy
            real.advance(Duration.ofSeconds(5));
            assertThat(world.clock().instant()).isEqualTo(REAL_START.plus(Duration.ofMinutes(5)));
            assertThat(provider.health(web).atDesiredCapacity()).isTrue();
            assertThat(world.recoveryEpisodes("web")).singleElement().satisfies(e -> assertThat(e.seconds()).isBetween(75.0, 120.0));
        }
    }

    @Test
    void theDemoWorldIsHealthyWithoutChaosAndDegradesVisiblyUnderIt() {
        var demo = dev.macaque.simulated.scenario.ScenarioParser.parseResource(SimulatedProviderFactory.DEMO_RESOURCE);
        SimulatedWorld calm = SimulatedWorld.of(demo);
        calm.runFor(Duration.ofDays(2));
        assertThat(calm.serviceNames()).allSatisfy(s -> assertThat(calm.availability(s)).as(s).isEqualTo(100.0));

        SimulatedWorld stressed = SimulatedWorld.of(demo);
        stressed.runFor(Duration.ofHours(13).plusMinutes(50));
        stressed.terminateRandomMember("api", "test");
        stressed.runFor(Duration.ofMinutes(20));
        assertThat(stressed.availability("api")).as("api is short of capacity near its 14:00 peak").isLessThan(100);
        assertThat(stressed.availability("web")).as("web calls api").isLessThan(100);
        assertThat(stressed.availability("eu-web")).as("another region").isEqualTo(100.0);
        assertThat(stressed.recoveryEpisodes("api")).singleElement().satisfies(e -> assertThat(e.isRecovered()).isTrue());
    }

    @Test
    void theDriverThreadFiresScheduledTasksOnTimeWithoutBeingAsked() throws Exception {
        SimulatedWorld world = SimulatedWorld.of(dev.macaque.simulated.scenario.ScenarioParser.parseResource(
                SimulatedProviderFactory.DEMO_RESOURCE));
        AtomicReference<Instant> ranAt = new AtomicReference<>();
        world.scheduleAfter(Duration.ofSeconds(30), () -> ranAt.set(world.clock().instant()));
        Clock real = Clock.systemUTC();
        try (RealTimeDriver driver = world.runRealTime(600, real, System.getLogger("test"))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (ranAt.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(driver.isRunning()).isTrue();
        }
        assertThat(ranAt.get()).as("30 virtual seconds at 600x take 50ms of real time").isEqualTo(
                SimulatedWorld.DEFAULT_START.plusSeconds(30));
    }

    @Test
    void manyThreadsCanUseTheProviderWhileTheDriverRuns() throws Exception {
        try (CloudProvider provider = new SimulatedProviderFactory().create(context(Map.of("speed", "3600"), Clock.systemUTC()))) {
            List<GroupRef> groups = provider.listGroups(GroupFilter.tag(OptIn.ENABLED_KEY, "true")).stream()
                    .map(GroupSummary::ref).toList();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            java.util.concurrent.atomic.AtomicInteger kills = new java.util.concurrent.atomic.AtomicInteger();
            List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        GroupRef group = groups.get((thread + i) % groups.size());
                        var health = provider.health(group);
                        assertThat(health.healthyInService() + health.pending()).isLessThanOrEqualTo(health.desiredCapacity());
                        var healthy = provider.describeGroup(group).healthyInService();
                        if (i % 20 == 0 && !healthy.isEmpty()) {
                            var outcome = provider.terminate(new TerminationRequest(group, healthy.get(0).id(), false, "test",
                                    "t" + thread + "-" + i)).outcome();
                            if (outcome == TerminationResult.Outcome.TERMINATED) {
                                kills.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var w : work) {
                w.get();
            }
            pool.shutdown();
            assertThat(kills.get()).isPositive();
        }
    }

    @Test
    void closingTheProviderStopsTheDriver() {
        MovableClock real = new MovableClock();
        CloudProvider provider = new SimulatedProviderFactory().create(context(Map.of(), real));
        SimulatedWorld world = ((SimulatedProvider) provider).world();

        provider.close();
        provider.close();
        real.advance(Duration.ofHours(1));

        assertThat(world.clock().instant()).as("time no longer follows the real clock").isEqualTo(REAL_START);
    }

    @Test
    void aScenarioFileAndSeedCanBeConfigured(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("w.yaml");
        Files.writeString(file, """
                name: small
                seed: 5
                duration: 1d
                groups:
                  - {name: api, region: r1, zones: [a], desired: 2, tags: {macaque-enabled: "true"}}
                """);
        try (CloudProvider provider = new SimulatedProviderFactory().create(
                context(Map.of("world", file.toString(), "seed", "99", "speed", "1"), new MovableClock()))) {
            assertThat(provider.listGroups(GroupFilter.ALL)).extracting(g -> g.ref().toString()).containsExactly("demo/r1/api");
            assertThat(((SimulatedProvider) provider).world().seed()).isEqualTo(99);
        }
    }

    @Test
    void badConfigurationIsAnInvalidRequestNamingTheKey(@TempDir Path dir) throws Exception {
        SimulatedProviderFactory factory = new SimulatedProviderFactory();
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "name: b\nduration: 1d\ngroups: []\nservices:\n  - {name: s, group: nope, capacityPerInstance: 1, load: 1}\n");

        assertThatThrownBy(() -> factory.create(context(Map.of("speed", "fast"), new MovableClock())))
                .isInstanceOf(ProviderException.class).hasMessageStartingWith("speed: 'fast'")
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST));
        assertThatThrownBy(() -> factory.create(context(Map.of("world", dir.resolve("missing.yaml").toString()), new MovableClock())))
                .isInstanceOf(ProviderException.class).hasMessageContaining("world: ");
        assertThatThrownBy(() -> factory.create(context(Map.of("world", broken.toString()), new MovableClock())))
                .isInstanceOf(ProviderException.class).hasMessageContaining(broken + ":5:services[0].group:");
        assertThatThrownBy(() -> factory.create(context(Map.of("seed", "x"), new MovableClock())))
                .isInstanceOf(ProviderException.class).hasMessageStartingWith("seed: 'x'");
    }
}
