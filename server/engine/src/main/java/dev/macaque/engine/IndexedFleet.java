package dev.macaque.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A fleet snapshot laid out for selecting from it many times: what the per-group pass reads is in three parallel
 * {@code int} arrays (selection weight, healthy count, and a profile id), so that filtering a million groups reads
 * twelve bytes a group in order instead of following each group to its reference, region string and tag map.
 *
 * <p>A <em>profile</em> is a distinct (provider, region, tags) combination, interned once here; the target filters
 * are judged once per profile per selection by the one rule ({@link Eligibility#filtered}, through
 * {@link TargetMatcher}), and each group then costs an array read. Fleets whose groups share tags (the usual case:
 * a few environments and teams) have few profiles; a fleet whose every group carries unique tags has as many
 * profiles as groups and costs what the plain list does. Group names ({@code targets.groups}) are not part of the
 * profile and are checked per group, only when a selection names groups.
 *
 * <p>Built in O(groups) (one hash of each group's tags); keep it with the snapshot and build it where the snapshot
 * is built. Selecting from it gives exactly the victims {@link TargetSelector#select(List, ExperimentSpec.Targets,
 * ExperimentSpec.Selection, java.util.SplittableRandom)} gives for the same list. Immutable, thread-safe.
 */
public final class IndexedFleet {
    /** One distinct (provider, region, tags) combination. */
    record Profile(String provider, String region, Map<String, String> tags) {
    }

    private final List<FleetGroup> groups;
    private final int[] weight;
    private final int[] healthy;
    private final int[] profile;
    private final List<Profile> profiles;

    private IndexedFleet(List<FleetGroup> groups) {
        this.groups = List.copyOf(groups);
        int size = this.groups.size();
        weight = new int[size];
        healthy = new int[size];
        profile = new int[size];
        Map<Profile, Integer> ids = new HashMap<>();
        List<Profile> distinct = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            FleetGroup group = this.groups.get(i);
            weight[i] = Eligibility.optedInWithValidWeight(group) ? group.weight() : 0;
            healthy[i] = group.healthyCount();
            Profile key = new Profile(group.ref().provider(), group.ref().region(), group.tags());
            Integer id = ids.get(key);
            if (id == null) {
                id = distinct.size();
                ids.put(key, id);
                distinct.add(key);
            }
            profile[i] = id;
        }
        profiles = List.copyOf(distinct);
    }

    /** Indexes {@code groups} in their order (callers order them by provider, region, name). */
    public static IndexedFleet of(List<FleetGroup> groups) {
        return new IndexedFleet(Objects.requireNonNull(groups, "groups"));
    }

    public List<FleetGroup> groups() {
        return groups;
    }

    public int size() {
        return groups.size();
    }

    /** How many distinct (provider, region, tags) combinations the fleet has. */
    public int profileCount() {
        return profiles.size();
    }

    /** Per group, in order: the selection weight, 0 when it is not opted in or its weight is invalid. */
    int[] weights() {
        return weight;
    }

    int[] healthyCounts() {
        return healthy;
    }

    int[] profileIds() {
        return profile;
    }

    List<Profile> profiles() {
        return profiles;
    }
}
