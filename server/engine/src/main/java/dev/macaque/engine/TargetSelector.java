package dev.macaque.engine;

import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Chooses victims from a fleet snapshot.
 *
 * <p>A group is eligible when it is opted in, matches every target filter, has a valid weight and at least one
 * healthy in-service instance. For {@code count} and {@code percent}, each kill picks a group with probability
 * proportional to its weight among the eligible groups that still have an instance not yet picked, then an
 * instance uniformly within it. For {@code perGroup}, each eligible group, in snapshot order, loses one uniformly
 * chosen instance with the given probability.
 *
 * <p>Cost: one pass over the snapshot that builds primitive arrays for the eligible groups, then O(log n) per
 * draw through a Fenwick tree over the weights (a group that runs out of instances is removed in O(log n)), and
 * instances drawn by a sparse partial Fisher–Yates shuffle (only the positions touched are stored, in primitive
 * open-addressing tables). Memory is O(eligible groups + victims). Over an {@link IndexedFleet} the pass reads three
 * int arrays per group, the target filters having been judged once per distinct (provider, region, tags) profile,
 * and the eligible arrays are sized exactly by a counting pass. Deterministic: the same snapshot order, spec and random state give the same
 * victims; callers order the snapshot by (provider, region, name). Stateless and thread-safe.
 */
public final class TargetSelector {

    public SelectionResult select(List<FleetGroup> fleet, Targets targets, Selection selection, SplittableRandom random) {
        if (selection.mode() == ExperimentSpec.SelectionMode.ZONE) {
            return zone(fleet, Eligible.filter(fleet, targets), targets, selection, random);
        }
        return choose(fleet, Eligible.filter(fleet, targets), selection, random).victims();
    }

    /**
     * The same draws as {@link #select(List, Targets, Selection, SplittableRandom)}, as positions among each group's
     * healthy members: what a run selects on listed groups ({@link FleetGroup#listed}) before it reads the members of
     * the groups drawn. The draws depend only on weights and healthy counts, so on groups whose counts are right they
     * are the draws a full read gives, position for position. Not for a zone outage, which reads every eligible group.
     */
    public Picks pick(List<FleetGroup> fleet, Targets targets, Selection selection, SplittableRandom random) {
        return choose(fleet, Eligible.filter(fleet, targets), selection, random);
    }

    /** One draw: a group and the position of the victim among its healthy members (ordered by id). */
    public record Pick(FleetGroup group, int position) {
    }

    /** The draws in kill order, with what the selection was made over. */
    public record Picks(List<Pick> picks, int eligibleGroups, long eligibleInstances) {
        public Picks {
            picks = List.copyOf(picks);
        }

        /** The groups drawn whose members were not read, each once, in draw order. */
        public List<FleetGroup> unread() {
            java.util.LinkedHashMap<dev.macaque.spi.GroupRef, FleetGroup> unread = new java.util.LinkedHashMap<>();
            picks.stream().filter(p -> !p.group().membersRead()).forEach(p -> unread.putIfAbsent(p.group().ref(), p.group()));
            return List.copyOf(unread.values());
        }

        /** The victims; every group drawn must have its members read. */
        public SelectionResult victims() {
            List<Victim> victims = new ArrayList<>(picks.size());
            for (Pick pick : picks) {
                if (!pick.group().membersRead()) {
                    throw new IllegalStateException("the members of " + pick.group().ref() + " were not read");
                }
                victims.add(new Victim(pick.group().ref(), pick.group().healthyInstanceIds().get(pick.position())));
            }
            return new SelectionResult(victims, eligibleGroups, eligibleInstances);
        }
    }

    /**
     * The same selection over an indexed snapshot: the same victims as {@link #select(List, Targets, Selection,
     * SplittableRandom)} over {@link IndexedFleet#groups()}, with the per-group pass reduced to array reads (see
     * {@link IndexedFleet}). Worth it where one snapshot is selected from more than once, or where the index is built
     * with the snapshot.
     */
    public SelectionResult select(IndexedFleet fleet, Targets targets, Selection selection, SplittableRandom random) {
        if (selection.mode() == ExperimentSpec.SelectionMode.ZONE) {
            return zone(fleet.groups(), Eligible.filter(fleet, targets), targets, selection, random);
        }
        return choose(fleet.groups(), Eligible.filter(fleet, targets), selection, random).victims();
    }

    /** Every member in the zone (see {@link ZoneOutage}); which of them the guardrails spare is the run's to decide. */
    private static SelectionResult zone(List<FleetGroup> fleet, Eligible eligible, Targets targets, Selection selection,
                                        SplittableRandom random) {
        List<Victim> victims = ZoneOutage.plan(fleet, targets, selection, ExperimentSpec.Guardrails.DEFAULTS, random).victims();
        return new SelectionResult(victims, eligible.size, eligible.instances);
    }

    private static Picks choose(List<FleetGroup> fleet, Eligible eligible, Selection selection,
                                SplittableRandom random) {
        List<Pick> victims = switch (selection.mode()) {
            case COUNT -> weighted(fleet, eligible, Math.min((long) selection.value(), eligible.instances), random);
            case PERCENT -> weighted(fleet, eligible, percentOf(eligible.instances, selection.value()), random);
            case PER_GROUP -> perGroup(fleet, eligible, selection.value(), random);
            case ZONE -> throw new IllegalStateException("a zone outage is planned by ZoneOutage");
        };
        return new Picks(victims, eligible.size, eligible.instances);
    }

    /** {@code percent}% of {@code instances}, rounded down, but at least one when there is any instance. */
    static long percentOf(long instances, double percent) {
        if (instances == 0) {
            return 0;
        }
        // The small epsilon keeps exact products such as 30% of 10 from rounding down to 2.999….
        long kills = (long) Math.floor(instances * percent / 100.0 + 1e-9);
        return Math.max(1, Math.min(kills, instances));
    }

    private static List<Pick> weighted(List<FleetGroup> fleet, Eligible eligible, long kills, SplittableRandom random) {
        List<Pick> victims = new ArrayList<>((int) Math.min(kills, 1 << 16));
        if (kills == 0) {
            return victims;
        }
        WeightTree tree = WeightTree.buildInPlace(eligible.tree, eligible.size);
        InstanceShuffle shuffle = new InstanceShuffle((int) Math.min(kills, 1 << 16));
        for (long kill = 0; kill < kills && tree.total() > 0; kill++) {
            int slot = tree.find(random.nextLong(tree.total()));
            FleetGroup group = fleet.get(eligible.groupIndex[slot]);
            int count = group.healthyCount();
            int alreadyPicked = shuffle.picked(slot);
            int instance = shuffle.draw(slot, alreadyPicked, count, random);
            if (alreadyPicked + 1 == count) {
                tree.remove(slot);
            }
            victims.add(new Pick(group, instance));
        }
        return victims;
    }

    private static List<Pick> perGroup(List<FleetGroup> fleet, Eligible eligible, double probability,
                                       SplittableRandom random) {
        List<Pick> victims = new ArrayList<>();
        for (int slot = 0; slot < eligible.size; slot++) {
            if (random.nextDouble() < probability) {
                FleetGroup group = fleet.get(eligible.groupIndex[slot]);
                victims.add(new Pick(group, random.nextInt(group.healthyCount())));
            }
        }
        return victims;
    }

    /**
     * The eligible groups as primitive arrays: snapshot index, and weights laid out 1-based so that the Fenwick
     * tree is built over them in place (no copy).
     */
    private static final class Eligible {
        int[] groupIndex;
        long[] tree;
        int size;
        long instances;

        static Eligible filter(List<FleetGroup> fleet, Targets targets) {
            Eligible eligible = new Eligible(Math.max(16, Math.min(fleet.size(), 1024)));
            boolean unrestricted = targets.isUnrestricted();
            TargetMatcher matcher = unrestricted ? null : TargetMatcher.of(targets);
            int index = 0;
            for (FleetGroup group : fleet) {
                int weight = group.weight();
                int healthy = group.healthyCount();
                if (Eligibility.optedInWithValidWeight(group) && healthy > 0
                        && (unrestricted || matcher.matches(group.ref(), group.tags()))) {
                    eligible.add(index, weight, healthy);
                }
                index++;
            }
            return eligible;
        }

        /**
         * The targets judged once per profile, then two passes over the index's arrays: one counts the eligible
         * groups so that the second fills arrays of exactly that size (no growth, no copies).
         */
        static Eligible filter(IndexedFleet fleet, Targets targets) {
            boolean[] allowed = new boolean[fleet.profileCount()];
            TargetMatcher matcher = targets.isUnrestricted() ? null : TargetMatcher.of(targets);
            List<IndexedFleet.Profile> profiles = fleet.profiles();
            for (int p = 0; p < allowed.length; p++) {
                IndexedFleet.Profile profile = profiles.get(p);
                allowed[p] = matcher == null || matcher.matchesProfile(profile.provider(), profile.region(), profile.tags());
            }
            boolean byName = matcher != null && matcher.filtersNames();
            List<FleetGroup> groups = fleet.groups();
            int[] weights = fleet.weights();
            int[] healthy = fleet.healthyCounts();
            int[] profileIds = fleet.profileIds();
            int n = weights.length;
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (weights[i] > 0 && healthy[i] > 0 && allowed[profileIds[i]]
                        && (!byName || matcher.matchesName(groups.get(i).ref().name()))) {
                    count++;
                }
            }
            Eligible eligible = new Eligible(count);
            for (int i = 0; i < n && eligible.size < count; i++) {
                if (weights[i] > 0 && healthy[i] > 0 && allowed[profileIds[i]]
                        && (!byName || matcher.matchesName(groups.get(i).ref().name()))) {
                    eligible.groupIndex[eligible.size] = i;
                    eligible.tree[eligible.size + 1] = weights[i];
                    eligible.size++;
                    eligible.instances += healthy[i];
                }
            }
            return eligible;
        }

        private Eligible(int capacity) {
            groupIndex = new int[capacity];
            tree = new long[capacity + 1];
        }

        private void add(int index, int weight, int healthy) {
            if (size == groupIndex.length) {
                groupIndex = Arrays.copyOf(groupIndex, size * 2);
                tree = Arrays.copyOf(tree, size * 2 + 1);
            }
            groupIndex[size] = index;
            tree[size + 1] = weight;
            size++;
            instances += healthy;
        }
    }

    /**
     * A Fenwick (binary indexed) tree over group weights: draws a group in proportion to its weight and removes a
     * group, both in O(log n), built in O(n) in place.
     */
    static final class WeightTree {
        private final long[] tree;
        private final int size;
        private final int topStep;
        private long total;

        private WeightTree(long[] tree, int size) {
            this.tree = tree;
            this.size = size;
            for (int i = 1; i <= size; i++) {
                int parent = i + (i & -i);
                if (parent <= size) {
                    tree[parent] += tree[i];
                }
            }
            for (int i = size; i > 0; i -= i & -i) {
                total += tree[i];
            }
            this.topStep = size == 0 ? 0 : Integer.highestOneBit(size);
        }

        /** Builds over {@code oneBased[1..size]} (the weights), which becomes the tree. */
        static WeightTree buildInPlace(long[] oneBased, int size) {
            return new WeightTree(oneBased, size);
        }

        /** Builds over a copy of {@code weights[0..size)}. */
        static WeightTree of(long[] weights) {
            long[] oneBased = new long[weights.length + 1];
            System.arraycopy(weights, 0, oneBased, 1, weights.length);
            return new WeightTree(oneBased, weights.length);
        }

        long total() {
            return total;
        }

        /** The slot whose cumulative weight range contains {@code point}, for {@code 0 <= point < total()}. */
        int find(long point) {
            int position = 0;
            long rest = point;
            for (int step = topStep; step > 0; step >>= 1) {
                int next = position + step;
                if (next <= size && tree[next] <= rest) {
                    position = next;
                    rest -= tree[next];
                }
            }
            // position = how many leading slots have cumulative weight <= point, i.e. the 0-based slot holding it
            return position;
        }

        /** Sets a slot's weight to zero: it is never drawn again. */
        void remove(int slot) {
            long weight = prefix(slot + 1) - prefix(slot);
            if (weight == 0) {
                return;
            }
            total -= weight;
            for (int i = slot + 1; i <= size; i += i & -i) {
                tree[i] -= weight;
            }
        }

        private long prefix(int count) {
            long sum = 0;
            for (int i = count; i > 0; i -= i & -i) {
                sum += tree[i];
            }
            return sum;
        }
    }

    /**
     * Partial Fisher–Yates shuffles of every group's instance positions, stored sparsely: only positions that were
     * swapped are kept, so drawing k instances costs O(k) memory whatever the group sizes. Primitive tables, sized
     * for the draws up front: no boxing per draw.
     */
    private static final class InstanceShuffle {
        private final LongIntTable swapped;
        private final LongIntTable pickedPerSlot;

        InstanceShuffle(int expectedDraws) {
            swapped = new LongIntTable(expectedDraws);
            pickedPerSlot = new LongIntTable(expectedDraws);
        }

        int picked(int slot) {
            return pickedPerSlot.get(slot, 0);
        }

        /**
         * Draws a position uniformly among the {@code count - alreadyPicked} not yet drawn in {@code slot} and
         * counts it as picked.
         */
        int draw(int slot, int alreadyPicked, int count, SplittableRandom random) {
            int chosen = alreadyPicked + random.nextInt(count - alreadyPicked);
            long chosenKey = key(slot, chosen);
            int value = swapped.get(chosenKey, chosen);
            if (chosen != alreadyPicked) {
                swapped.put(chosenKey, swapped.get(key(slot, alreadyPicked), alreadyPicked));
            }
            pickedPerSlot.put(slot, alreadyPicked + 1);
            return value;
        }

        private static long key(int slot, int position) {
            return ((long) slot << 32) | position;
        }
    }

    /**
     * An open-addressing map from non-negative {@code long} keys to {@code int} values (linear probing, load at most
     * one half). Keys are stored plus one so that the zeroed array means empty.
     */
    static final class LongIntTable {
        private long[] keys;
        private int[] values;
        private int size;

        LongIntTable(int expected) {
            int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
            keys = new long[capacity];
            values = new int[capacity];
        }

        int get(long key, int absent) {
            long stored = key + 1;
            int mask = keys.length - 1;
            for (int i = slotOf(stored, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == stored) {
                    return values[i];
                }
                if (k == 0) {
                    return absent;
                }
            }
        }

        void put(long key, int value) {
            long stored = key + 1;
            int mask = keys.length - 1;
            for (int i = slotOf(stored, mask); ; i = (i + 1) & mask) {
                long k = keys[i];
                if (k == stored) {
                    values[i] = value;
                    return;
                }
                if (k == 0) {
                    keys[i] = stored;
                    values[i] = value;
                    if (++size * 2 > keys.length) {
                        grow();
                    }
                    return;
                }
            }
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int j = 0; j < oldKeys.length; j++) {
                if (oldKeys[j] != 0) {
                    int i = slotOf(oldKeys[j], mask);
                    while (keys[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    keys[i] = oldKeys[j];
                    values[i] = oldValues[j];
                }
            }
        }

        private static int slotOf(long stored, int mask) {
            long h = stored * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }
    }
}
