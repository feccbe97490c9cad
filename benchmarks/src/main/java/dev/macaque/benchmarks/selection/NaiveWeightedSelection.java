package dev.macaque.benchmarks.selection;

import dev.macaque.engine.ExperimentSpec.Targets;
import dev.macaque.engine.FleetGroup;
import dev.macaque.engine.Victim;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The naive baseline: the same filter, an array of cumulative weights, and for every draw a linear scan for the
 * first cumulative weight above a uniform point. It is generous to itself: it draws with replacement (no bookkeeping
 * of instances already picked, no removal of exhausted groups) and checks no guardrail, so it does strictly less
 * per draw than the engine; only the scan is naive.
 */
public final class NaiveWeightedSelection {
    private NaiveWeightedSelection() {
    }

    public static List<Victim> select(List<FleetGroup> snapshot, Targets targets, int kills, SplittableRandom random) {
        int[] index = new int[snapshot.size()];
        long[] cumulative = new long[snapshot.size()];
        int eligible = 0;
        long total = 0;
        long instances = 0;
        for (int i = 0; i < snapshot.size(); i++) {
            FleetGroup group = snapshot.get(i);
            if (group.optedIn() && group.weight() > 0 && group.healthyCount() > 0 && targets.matches(group.ref(), group.tags())) {
                total += group.weight();
                index[eligible] = i;
                cumulative[eligible] = total;
                eligible++;
                instances += group.healthyCount();
            }
        }
        long draws = Math.min(kills, instances);
        List<Victim> victims = new ArrayList<>((int) draws);
        for (long d = 0; d < draws; d++) {
            long point = random.nextLong(total);
            int slot = 0;
            while (cumulative[slot] <= point) {
                slot++;
            }
            FleetGroup group = snapshot.get(index[slot]);
            victims.add(new Victim(group.ref(), group.healthyInstanceIds().get(random.nextInt(group.healthyCount()))));
        }
        return victims;
    }
}
