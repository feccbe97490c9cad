package dev.macaque.simulate;

import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.VmGroup;
import dev.macaque.text.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A real provider's fleet as a scenario: its groups with region, zones, desired capacity and tags, and a boot time
 * per group (this server's recorded time to recover when known, else a stated default). The healthy instances of
 * each group are kept in the provider's order, so that a prediction's victims, which the simulated world names
 * {@code <group>-0001}…, can be mapped back to the real instances the engine would pick.
 *
 * @param providerId         the real provider's id
 * @param healthyInstances   per group name, the ids of its healthy in-service instances, in the provider's order
 * @param caveats            what makes the snapshot differ from the fleet (unhealthy members, duplicate names), for people
 */
public record FleetSnapshot(Scenario scenario, String providerId, Map<String, List<String>> healthyInstances,
                            List<String> caveats, Instant takenAt) {
    /** Boot time assumed for a group whose time to recover this server has never measured. */
    public static final Duration DEFAULT_BOOT = Duration.ofSeconds(90);
    /** A snapshot of more groups than this is refused: the prediction would not be bounded. */
    public static final int MAX_GROUPS = 100_000;

    public FleetSnapshot {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(providerId, "providerId");
        healthyInstances = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(healthyInstances));
        caveats = List.copyOf(caveats);
    }

    /**
     * Reads every group of {@code provider} (regions in its listing order) into a scenario.
     *
     * @param knownBootTimes per group name, the time it took to recover as this server measured it
     */
    public static FleetSnapshot capture(CloudProvider provider, Map<String, Duration> knownBootTimes, Instant takenAt) {
        List<GroupSpec> groups = new ArrayList<>();
        Map<String, List<String>> healthy = new LinkedHashMap<>();
        List<String> caveats = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<GroupSummary> summaries = provider.listGroups(GroupFilter.ALL);
        if (summaries.size() > MAX_GROUPS) {
            throw new IllegalArgumentException("provider " + provider.id() + " lists " + summaries.size() + " groups; a snapshot "
                    + "holds at most " + MAX_GROUPS);
        }
        for (GroupSummary summary : summaries) {
            GroupRef ref = summary.ref();
            if (!names.add(ref.name())) {
                caveats.add("group " + ref + " left out: another region has a group of the same name, and a simulated world "
                        + "names groups uniquely");
                continue;
            }
            VmGroup group = provider.describeGroup(ref);
            List<String> ids = group.healthyInService().stream().map(Instance::id).toList();
            TreeSet<String> zones = new TreeSet<>();
            group.instances().forEach(i -> zones.add(i.zone() == null || i.zone().isBlank() ? "unknown" : i.zone()));
            if (zones.isEmpty()) {
                zones.add("unknown");
            }
            if (ids.size() != group.desiredCapacity()) {
                caveats.add("group " + ref + " has " + ids.size() + " healthy of " + group.desiredCapacity() + " desired: the "
                        + "simulated group starts with " + group.desiredCapacity() + " healthy, so predictions for it are approximate");
            }
            Duration boot = knownBootTimes.get(ref.name());
            if (boot == null) {
                boot = DEFAULT_BOOT;
            }
            groups.add(GroupSpec.of(ref.name(), ref.region(), List.copyOf(zones), group.desiredCapacity(), BootTime.fixed(boot),
                    group.tags()).withReplacementDelay(Duration.ZERO));
            healthy.put(ref.name(), ids);
        }
        Scenario scenario = new Scenario("snapshot-" + provider.id(), 0, Duration.ofHours(1), groups, List.of(), List.of(),
                List.of(), List.of(), "snapshot of provider " + provider.id());
        return new FleetSnapshot(scenario, provider.id(), healthy, caveats, takenAt);
    }

    /** The scenario file: the fleet's groups, with comments saying where each boot time comes from. */
    public String toYaml(Map<String, Duration> knownBootTimes) {
        StringBuilder out = new StringBuilder();
        out.append("# Snapshot of provider ").append(providerId).append(" taken at ").append(takenAt).append(" by macaque snapshot.\n")
                .append("# Boot times are this server's measured times to recover where known, else the default ")
                .append(Durations.format(DEFAULT_BOOT)).append(" (marked).\n")
                .append("# Add services (capacity, load, dependsOn) and hypotheses to make it a lesson: see docs/simulation.md.\n");
        caveats.forEach(c -> out.append("# note: ").append(c).append('\n'));
        out.append("name: ").append(quote(scenario.name())).append("\nduration: 1d\ngroups:\n");
        for (GroupSpec group : scenario.groups()) {
            out.append("  - {name: ").append(quote(group.name())).append(", region: ").append(quote(group.region()))
                    .append(", zones: [").append(String.join(", ", group.zones().stream().map(FleetSnapshot::quote).toList()))
                    .append("], desired: ").append(group.desired()).append(", bootTime: ")
                    .append(Durations.format(group.bootTime().min())).append(", replacementDelay: 0s");
            if (!group.tags().isEmpty()) {
                out.append(",\n     tags: {");
                List<String> tags = new ArrayList<>();
                group.tags().forEach((k, v) -> tags.add(quote(k) + ": " + quote(v)));
                out.append(String.join(", ", tags)).append('}');
            }
            out.append('}');
            if (!knownBootTimes.containsKey(group.name())) {
                out.append("   # boot time: default, never measured here");
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Always a double-quoted YAML string, so names like {@code on} or {@code 123} stay strings. */
    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
