package dev.macaque.engine;

/**
 * Fleet-wide limits of the configuration ({@code safety.*}), checked before every real termination of every run,
 * schedule and node, in the same atomic step that records the termination's intent.
 *
 * @param maxTerminationsPerHour real terminations in any rolling hour, across the fleet
 * @param maxTerminationsPerDay  real terminations in any rolling 24 hours, across the fleet
 * @param maxGroupsDegraded      groups with a Macaque kill not yet recovered, at once
 */
public record FleetBudgets(int maxTerminationsPerHour, int maxTerminationsPerDay, int maxGroupsDegraded) {
    /** What a cautious operator would start with: a handful of kills an hour, a few groups degraded at once. */
    public static final FleetBudgets DEFAULTS = new FleetBudgets(10, 50, 3);
    /** No fleet budget (the simulator's default: a scenario explores what chaos does, not what a server allows). */
    public static final FleetBudgets UNLIMITED = new FleetBudgets(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE);

    public FleetBudgets {
        if (maxTerminationsPerHour < 1 || maxTerminationsPerDay < 1 || maxGroupsDegraded < 1) {
            throw new IllegalArgumentException("fleet budgets must be >= 1, were " + maxTerminationsPerHour + "/h, "
                    + maxTerminationsPerDay + "/day, " + maxGroupsDegraded + " groups degraded");
        }
    }
}
