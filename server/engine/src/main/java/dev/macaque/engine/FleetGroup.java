package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.OptIn;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One group as the selector sees it: identity, tags, and the instances a kill may take (healthy and in service).
 * Opt-in and weight are derived from the tags once, here, so that selection over a million groups parses nothing;
 * being derived (not passed in), they can never disagree with the tags. Immutable.
 */
public final class FleetGroup {
    private final GroupRef ref;
    private final Map<String, String> tags;
    private final int desiredCapacity;
    private final List<String> healthyInstanceIds;
    /** Parallel to {@link #healthyInstanceIds}: each member's zone ("" where the cloud has none or it is unknown). */
    private final List<String> healthyZones;
    private final int healthyCount;
    private final boolean optedIn;
    private final int weight;
    private final boolean membersRead;

    /**
     * @param ref                identity
     * @param tags               the group's tags
     * @param desiredCapacity    how many instances the group keeps
     * @param healthyInstanceIds healthy in-service members, in a stable order (by id)
     */
    public FleetGroup(GroupRef ref, Map<String, String> tags, int desiredCapacity, List<String> healthyInstanceIds) {
        this(ref, tags, desiredCapacity, healthyInstanceIds, null);
    }

    /**
     * @param healthyZones each healthy member's zone, in the order of {@code healthyInstanceIds}; null when unknown
     *                     (a zone outage then finds none of its members)
     */
    public FleetGroup(GroupRef ref, Map<String, String> tags, int desiredCapacity, List<String> healthyInstanceIds,
                      List<String> healthyZones) {
        this(ref, tags, desiredCapacity, List.copyOf(healthyInstanceIds), healthyZones == null ? null : List.copyOf(healthyZones),
                healthyInstanceIds.size(), true);
    }

    /**
     * A group as listed, its members not read: selection treats it as having {@code assumedHealthy} healthy members
     * (its desired capacity, on a fleet at rest) and the run reads its members only if a victim is drawn from it.
     */
    public static FleetGroup listed(GroupRef ref, Map<String, String> tags, int desiredCapacity, int assumedHealthy) {
        if (assumedHealthy < 0) {
            throw new IllegalArgumentException("assumedHealthy must be >= 0, was " + assumedHealthy + " for " + ref);
        }
        return new FleetGroup(ref, tags, desiredCapacity, List.of(), null, assumedHealthy, false);
    }

    /** A group read with its members: the healthy in-service ones, with their zones. */
    public static FleetGroup of(dev.macaque.spi.VmGroup group) {
        List<dev.macaque.spi.Instance> healthy = group.healthyInService();
        return new FleetGroup(group.ref(), group.tags(), group.desiredCapacity(),
                healthy.stream().map(dev.macaque.spi.Instance::id).toList(),
                healthy.stream().map(dev.macaque.spi.Instance::zone).toList());
    }

    private FleetGroup(GroupRef ref, Map<String, String> tags, int desiredCapacity, List<String> healthyInstanceIds,
                       List<String> healthyZones, int healthyCount, boolean membersRead) {
        this.ref = Objects.requireNonNull(ref, "ref");
        this.tags = Map.copyOf(tags);
        this.healthyInstanceIds = healthyInstanceIds;
        this.healthyZones = healthyZones;
        this.healthyCount = healthyCount;
        this.membersRead = membersRead;
        if (healthyZones != null && healthyZones.size() != healthyInstanceIds.size()) {
            throw new IllegalArgumentException(healthyZones.size() + " zones for " + healthyInstanceIds.size() + " members of " + ref);
        }
        if (desiredCapacity < 0) {
            throw new IllegalArgumentException("desiredCapacity must be >= 0, was " + desiredCapacity + " for " + ref);
        }
        this.desiredCapacity = desiredCapacity;
        this.optedIn = OptIn.isEnabled(this.tags);
        this.weight = OptIn.weight(this.tags).orElse(0);
    }

    public GroupRef ref() {
        return ref;
    }

    public Map<String, String> tags() {
        return tags;
    }

    public int desiredCapacity() {
        return desiredCapacity;
    }

    /** Healthy in-service members by id; empty for a group {@link #listed} whose members were not read. */
    public List<String> healthyInstanceIds() {
        return healthyInstanceIds;
    }

    /** The zone of the {@code index}-th healthy member, or "" when not known. */
    public String healthyZone(int index) {
        return healthyZones == null ? "" : healthyZones.get(index);
    }

    /** Whether the members were read ({@link #healthyInstanceIds()} is the truth), not assumed from the listing. */
    public boolean membersRead() {
        return membersRead;
    }

    public int healthyCount() {
        return healthyCount;
    }

    /** Whether the group opted in ({@code macaque-enabled=true}). */
    public boolean optedIn() {
        return optedIn;
    }

    /** The selection weight ({@code macaque-weight}, default 1), or 0 when the tag is not a positive integer. */
    public int weight() {
        return weight;
    }

    @Override
    public String toString() {
        return ref + " (weight " + weight + (optedIn ? ", opted in" : ", not opted in") + ", "
                + healthyCount + "/" + desiredCapacity + (membersRead ? " healthy)" : " assumed healthy, members not read)");
    }
}
