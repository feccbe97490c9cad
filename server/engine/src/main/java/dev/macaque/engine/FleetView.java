package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the fleet's record says when a termination is decided: read inside the same atomic step (transaction) that
 * records the intent, so that two runs, schedules or nodes deciding on one group at once cannot both pass.
 *
 * @param inFlight             the group's real kills not yet settled, by any run: instance id to the run that made it
 *                             (intent recorded, outcome pending, or the group not yet back)
 * @param terminationsLastHour real terminations recorded fleet-wide in the last hour
 * @param terminationsLastDay  real terminations recorded fleet-wide in the last 24 hours
 * @param degradedGroups       groups with a real kill not yet settled, fleet-wide
 * @param budgets              the fleet budgets in force
 * @param killSwitchEngaged    the global kill switch as the same atomic step reads it (engaging it stops every intent
 *                             decided after it committed)
 * @param lastKill             the group's last real kill by any run, as the same step reads it; null when the recorder
 *                             keeps no kill history of its own (then the run's earlier check of its {@code KillHistory} stands)
 */
public record FleetView(Map<String, String> inFlight, int terminationsLastHour, int terminationsLastDay,
                        Set<GroupRef> degradedGroups, FleetBudgets budgets, boolean killSwitchEngaged,
                        java.time.Instant lastKill) {
    /** Nothing recorded anywhere else, no budget: a run on its own. */
    public static final FleetView ALONE = new FleetView(Map.of(), 0, 0, Set.of(), FleetBudgets.UNLIMITED, false, null);

    public FleetView {
        inFlight = java.util.Collections.unmodifiableMap(new TreeMap<>(inFlight));
        degradedGroups = Set.copyOf(degradedGroups);
        Objects.requireNonNull(budgets, "budgets");
    }

    /** Runs other than {@code runId} with a kill in flight in the group, in id order. */
    public Set<String> otherRuns(String runId) {
        Set<String> others = new TreeSet<>(inFlight.values());
        others.remove(runId);
        return others;
    }
}
