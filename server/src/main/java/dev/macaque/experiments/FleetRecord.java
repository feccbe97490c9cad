package dev.macaque.experiments;

import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetView;
import dev.macaque.spi.GroupRef;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The fleet-wide record an intent is decided against, and the lock that serialises those decisions: every node and
 * run takes {@code fleet_lock} before it reads the record, so of two racing on one group only the first passes.
 */
final class FleetRecord {
    private final FleetBudgets budgets;

    FleetRecord(FleetBudgets budgets) {
        this.budgets = Objects.requireNonNull(budgets, "budgets is null");
    }

    /** Takes the fleet lock; it is held until the caller's transaction ends. */
    static void lock(Connection c) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT id FROM fleet_lock WHERE id = 1 FOR UPDATE");
             ResultSet rs = lock.executeQuery()) {
            rs.next();
        }
    }

    /** The fleet as an intent on {@code group} at {@code now} sees it: read under the lock, in the intent's transaction. */
    FleetView view(Connection c, GroupRef group, Instant now) throws SQLException {
        FleetView counts = counts(c, now);
        return new FleetView(TerminationRows.inFlight(c, group), counts.terminationsLastHour(), counts.terminationsLastDay(),
                counts.degradedGroups(), budgets, counts.killSwitchEngaged(), KillClaims.lastKill(c, group).orElse(null));
    }

    /** The fleet-wide counts, budgets and kill switch alone (no group's kills in flight, no last kill). */
    FleetView counts(Connection c, Instant now) throws SQLException {
        int lastHour = TerminationRows.countRealIntentsSince(c, now.minus(Duration.ofHours(1)));
        int lastDay = TerminationRows.countRealIntentsSince(c, now.minus(Duration.ofDays(1)));
        var degraded = TerminationRows.groupsWithKillsInFlight(c, null);
        boolean killSwitch;
        try (PreparedStatement select = c.prepareStatement("SELECT engaged FROM kill_switch WHERE id = 1");
             ResultSet rs = select.executeQuery()) {
            killSwitch = rs.next() && rs.getBoolean(1);
        }
        return new FleetView(java.util.Map.of(), lastHour, lastDay, degraded, budgets, killSwitch, null);
    }
}
