package dev.macaque.simulate;

import dev.macaque.engine.FleetGroup;
import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.ListedGroups;
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
 * @param fleet              the groups of the scenario as the engine sees them (tags, healthy members and their zones),
 *                           read at the same moment, in the same order
 */
public record FleetSnapshot(Scenario scenario, String providerId, Map<String, List<String>> healthyInstances,
                            List<String> caveats, Instant takenAt, List<FleetGroup> fleet) {
    /** Boot time assumed for a group whose time to recover this server has never measured. */
    public static final Duration DEFAULT_BOOT = Duration.ofSeconds(90);
    /** A snapshot of more groups than this is refused: the prediction would not be bounded. */
    public static final int MAX_GROUPS = 100_000;
    /** The world keeps a member's zone slot in a byte: larger groups are spread over their distinct zones instead. */
    static final int MAX_ZONE_SLOTS = Byte.MAX_VALUE;

    public FleetSnapshot {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(providerId, "providerId");
        healthyInstances = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(healthyInstances));
        caveats = List.copyOf(caveats);
        fleet = List.copyOf(fleet);
    }

    /** A snapshot without the engine's view of its groups. */
    public FleetSnapshot(Scenario scenario, String providerId, Map<String, List<String>> healthyInstances,
                         List<String> caveats, Instant takenAt) {
        this(scenario, providerId, healthyInstances, caveats, takenAt, List.of());
    }

    /**
     * Reads every group of {@code provider} (regions in its listing order) into a scenario. The groups and their
     * members are read in one {@link CloudProvider#listAndDescribeGroups} pass, so that behind the server's inventory a
     * snapshot (a prediction, zone readiness) costs no cloud call within a refresh interval, and a bare provider reads
     * each group once; a group gone between its listing and its read, and a part of the cloud that did not answer, are
     * left out with a caveat.
     *
     * @param knownBootTimes per group name, the time it took to recover as this server measured it
     */
    public static FleetSnapshot capture(CloudProvider provider, Map<String, Duration> knownBootTimes, Instant takenAt) {
        List<GroupSpec> groups = new ArrayList<>();
        Map<String, List<String>> healthy = new LinkedHashMap<>();
        List<FleetGroup> fleet = new ArrayList<>();
        List<String> caveats = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<GroupSummary> summaries = provider.listGroups(GroupFilter.ALL);
        if (summaries.size() > MAX_GROUPS) {
            throw new IllegalArgumentException("provider " + provider.id() + " lists " + summaries.size() + " groups; a snapshot "
                    + "holds at most " + MAX_GROUPS);
        }
        ListedGroups read = provider.listAndDescribeGroups(GroupFilter.ALL, summary -> true);
        Map<GroupRef, VmGroup> described = new LinkedHashMap<>();
        read.described().groups().forEach(group -> described.put(group.ref(), group));
        read.described().unreachable().forEach(part -> caveats.add("groups of " + part + " left out: that part of the cloud did"
                + " not answer"));
        for (GroupSummary summary : read.listed()) {
            GroupRef ref = summary.ref();
            VmGroup group = described.get(ref);
            if (group == null) {
                caveats.add("group " + ref + " left out: " + read.described().notFound().getOrDefault(ref,
                        "its members were not read"));
                continue;
            }
            if (!names.add(ref.name())) {
                caveats.add("group " + ref + " left out: another region has a group of the same name, and a simulated world "
                        + "names groups uniquely");
                continue;
            }
            List<String> ids = group.healthyInService().stream().map(Instance::id).toList();
            List<String> zones = memberZones(group);
            if (zones.size() > MAX_ZONE_SLOTS) {
                zones = new ArrayList<>(new TreeSet<>(zones));
                caveats.add("group " + ref + " has more than " + MAX_ZONE_SLOTS + " members: the simulated group spreads them "
                        + "evenly over its zones, so a zone outage's prediction for it is approximate");
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
            fleet.add(FleetGroup.of(group));
        }
        Scenario scenario = new Scenario("snapshot-" + provider.id(), 0, Duration.ofHours(1), groups, List.of(), List.of(),
                List.of(), List.of(), "snapshot of provider " + provider.id());
        return new FleetSnapshot(scenario, provider.id(), healthy, caveats, takenAt, fleet);
    }

    /**
     * One zone slot per member: the healthy members' zones in the provider's order, then the other members', then
     * the distinct zones again until {@code desired} is covered. The world fills the emptiest slot first (the first
     * on ties), so its member {@code k} is placed in real member {@code k}'s zone and a replacement in the zone its
     * predecessor left: a zone outage in a prediction takes exactly the members the real one would.
     */
    private static List<String> memberZones(VmGroup group) {
        List<String> slots = new ArrayList<>();
        group.healthyInService().forEach(i -> slots.add(zoneOf(i)));
        Set<String> healthyIds = new HashSet<>();
        group.healthyInService().forEach(i -> healthyIds.add(i.id()));
        group.instances().stream().filter(i -> !healthyIds.contains(i.id())).forEach(i -> slots.add(zoneOf(i)));
        List<String> distinct = new ArrayList<>(new TreeSet<>(slots));
        if (distinct.isEmpty()) {
            distinct.add("unknown");
        }
        for (int i = 0; slots.size() < group.desiredCapacity(); i++) {
            slots.add(distinct.get(i % distinct.size()));
        }
        return slots.isEmpty() ? distinct : slots;
    }

    private static String zoneOf(Instance instance) {
        return instance.zone() == null || instance.zone().isBlank() ? "unknown" : instance.zone();
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
                    .append(", zones: [").append(String.join(", ", new TreeSet<>(group.zones()).stream().map(FleetSnapshot::quote).toList()))
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
