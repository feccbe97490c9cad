package dev.macaque.benchmarks.world;

import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.ServiceSpec;
import dev.macaque.spi.OptIn;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Simulated fleets of identical, opted-in groups: {@code instancesPerGroup} members over three zones, 60 s boot,
 * 10 s replacement delay, 30 s health-check grace, each group serving one service with constant load (so every
 * health change updates availability). Groups are named {@code g000000}, … and spread round-robin over
 * {@code regions} regions {@code region-00}, ….
 */
public final class Fleets {
    public static final List<String> ZONES = List.of("a", "b", "c");
    public static final Duration BOOT = Duration.ofSeconds(60);
    public static final Duration HEALTH_CHECK_GRACE = Duration.ofSeconds(30);
    private static final Map<String, String> OPTED_IN = Map.of(OptIn.ENABLED_KEY, "true", "env", "prod");

    private Fleets() {
    }

    public static SimulatedWorld world(long seed, int groups, int instancesPerGroup, int regions) {
        SimulatedWorld.Builder builder = SimulatedWorld.builder().name("bench-" + groups).seed(seed);
        // One region name string, boot time and tag map shared by all groups, as a parsed scenario's would be.
        String[] regionNames = new String[regions];
        for (int r = 0; r < regions; r++) {
            regionNames[r] = regionName(r);
        }
        BootTime boot = BootTime.fixed(BOOT);
        Map<String, String> tags = OPTED_IN;
        for (int i = 0; i < groups; i++) {
            String name = groupName(i);
            GroupSpec spec = GroupSpec.of(name, regionNames[i % regions], ZONES, instancesPerGroup, boot, tags)
                    .withHealthCheckGrace(HEALTH_CHECK_GRACE);
            tags = spec.tags();
            builder.group(spec);
            // Capacity 10/s per member against a load of 5/s: losing one member of ten never degrades the service.
            builder.service(ServiceSpec.of("svc-" + name, name, 10, 5.0 * instancesPerGroup));
        }
        return builder.build();
    }

    public static String groupName(int index) {
        return String.format("g%06d", index);
    }

    public static String regionName(int index) {
        return String.format("region-%02d", index);
    }
}
