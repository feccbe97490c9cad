package dev.macaque.engine;

import dev.macaque.engine.ExperimentSpec.Selection;
import dev.macaque.engine.ExperimentSpec.Targets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * instances drawn by a sparse partial Fisher–Yates shuffle (only the positions touched are stored). Memory is
 * O(eligible groups + victims). Deterministic: the same snapshot order, spec and random state give the same
 * victims; callers order the snapshot by (provider, region, name). Stateless and thread-safe.
 */
public final class TargetSelector {

    public SelectionResult select(List<FleetGroup> fleet, Targets targets, Selection selection, SplittableRandom random) {
        Eligible eligible = Eligible.filter(fleet, targets);
        List<Victim> victims = switch (selection.mode()) {
            case COUNT -> weighted(fleet, eligible, Math.min((long) selection.value(), eligible.instances), random);
            case PERCENT -> weighted(fleet, eligible, percentOf(eligible.instances, selection.value()), random);
            case PER_GROUP -> perGroup(fleet, eligible, selection.value(), random);
        };
        return new SelectionResult(victims, eligible.size, eligible.instances);
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

    private static List<Victim> weighted(List<FleetGroup> fleet, Eligible eligible, long kills, SplittableRandom random) {
        List<Victim> victims = new ArrayList<>((int) Math.min(kills, 1 << 16));
        if (kills == 0) {
            return victims;
        }
        WeightTree tree = WeightTree.buildInPlace(eligible.tree, eligible.size);
        InstanceShuffle shuffle = new InstanceShuffle();
        for (long kill = 0; kill < kills && tree.total() > 0; kill++) {
            int slot = tree.find(random.nextLong(tree.total()));
            FleetGroup group = fleet.get(eligible.groupIndex[slot]);
            int count = group.healthyCount();
            int alreadyPicked = shuffle.picked(slot);
            int instance = shuffle.draw(slot, alreadyPicked, count, random);
            if (alreadyPicked + 1 == count) {
                tree.remove(slot);
            }
            victims.add(new Victim(group.ref(), group.healthyInstanceIds().get(instance)));
        }
        return victims;
    }

    private static List<Victim> perGroup(List<FleetGroup> fleet, Eligible eligible, double probability,
                                         SplittableRandom random) {
        List<Victim> victims = new ArrayList<>();
        for (int slot = 0; slot < eligible.size; slot++) {
            if (random.nextDouble() < probability) {
                FleetGroup group = fleet.get(eligible.groupIndex[slot]);
                victims.add(new Victim(group.ref(), group.healthyInstanceIds().get(random.nextInt(group.healthyCount()))));
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
            Eligible eligible = new Eligible();
            int capacity = Math.max(16, Math.min(fleet.size(), 1024));
            eligible.groupIndex = new int[capacity];
            eligible.tree = new long[capacity + 1];
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
     * swapped are kept, so drawing k instances costs O(k) memory whatever the group sizes.
     */
    private static final class InstanceShuffle {
        private final Map<Long, Integer> swapped = new HashMap<>();
        private final Map<Integer, Integer> pickedPerSlot = new HashMap<>();

        int picked(int slot) {
            return pickedPerSlot.getOrDefault(slot, 0);
        }

        /**
         * Draws a position uniformly among the {@code count - alreadyPicked} not yet drawn in {@code slot} and
         * counts it as picked.
         */
        int draw(int slot, int alreadyPicked, int count, SplittableRandom random) {
            int chosen = alreadyPicked + random.nextInt(count - alreadyPicked);
            long chosenKey = key(slot, chosen);
            int value = swapped.getOrDefault(chosenKey, chosen);
            if (chosen != alreadyPicked) {
                swapped.put(chosenKey, swapped.getOrDefault(key(slot, alreadyPicked), alreadyPicked));
            }
            pickedPerSlot.put(slot, alreadyPicked + 1);
            return value;
        }

        private static long key(int slot, int position) {
            return ((long) slot << 32) | position;
        }
    }
}
