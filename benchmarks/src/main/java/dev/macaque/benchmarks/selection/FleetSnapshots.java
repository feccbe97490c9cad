package dev.macaque.benchmarks.selection;

import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.FleetGroup;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.OptIn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Fleet snapshots as the engine hands them to the selector, drawn from a seed: groups ordered by (region, name) over
 * four regions, 90% opted in, 90% tagged {@code env=prod}, weights 1–5 uniformly, every instance healthy.
 *
 * <p>Tag maps and instance-id lists are shared between groups (one immutable instance per distinct value): the
 * selector only reads ids of chosen groups, and sharing keeps a million-group snapshot at ~150 MB instead of ~1 GB
 * without changing what the selector does per group.
 */
public final class FleetSnapshots {
    public static final String PROVIDER = "sim";
    public static final List<String> REGIONS = List.of("ap-south-1", "eu-west-1", "us-east-1", "us-west-2");
    /** Three of the four regions and {@code env=prod}: the filter every selection benchmark applies. */
    public static final Targets TARGETS = new Targets(Set.of(), Set.of("eu-west-1", "us-east-1", "us-west-2"), Set.of(),
            Map.of("env", "prod"));

    private FleetSnapshots() {
    }

    public static List<FleetGroup> snapshot(long seed, int groups, int instancesPerGroup) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> instanceIds = new ArrayList<>(instancesPerGroup);
        for (int i = 0; i < instancesPerGroup; i++) {
            instanceIds.add("i-" + i);
        }
        List<String> sharedIds = List.copyOf(instanceIds);
        List<Map<String, String>> tagVariants = new ArrayList<>();
        for (boolean optedIn : new boolean[] {true, false}) {
            for (String env : new String[] {"prod", "staging"}) {
                for (int weight = 1; weight <= 5; weight++) {
                    tagVariants.add(Map.of(OptIn.ENABLED_KEY, Boolean.toString(optedIn), "env", env,
                            OptIn.WEIGHT_KEY, Integer.toString(weight)));
                }
            }
        }
        List<FleetGroup> fleet = new ArrayList<>(groups);
        for (int i = 0; i < groups; i++) {
            String region = REGIONS.get((int) ((long) i * REGIONS.size() / groups));
            int optedOut = random.nextInt(10) == 0 ? 1 : 0;
            int staging = random.nextInt(10) == 0 ? 1 : 0;
            int weight = 1 + random.nextInt(5);
            Map<String, String> tags = tagVariants.get(optedOut * 10 + staging * 5 + (weight - 1));
            fleet.add(new FleetGroup(new GroupRef(PROVIDER, region, String.format("g%07d", i)), tags, instancesPerGroup,
                    sharedIds));
        }
        return fleet;
    }
}
