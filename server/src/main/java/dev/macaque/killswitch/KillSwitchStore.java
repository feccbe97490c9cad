package dev.macaque.killswitch;

import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Objects;

/**
 * The global kill switch, kept in the database so that every node reads the same value. Reads go to the database
 * each time: a switch engaged on one node stops terminations on all of them at their next check.
 */
public final class KillSwitchStore {
    private final Database database;
    private final Clock clock;
    private final java.util.List<java.util.function.Consumer<KillSwitchState>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public KillSwitchStore(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    public KillSwitchState state() {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM kill_switch WHERE id = 1");
                 ResultSet rs = select.executeQuery()) {
                rs.next();
                return new KillSwitchState(rs.getBoolean("engaged"), rs.getString("reason"), rs.getString("changed_by"),
                        Sql.instant(rs, "changed_at"));
            }
        });
    }

    public boolean engaged() {
        return state().engaged();
    }

    /**
     * Called with the new state after every change this node makes, so that each transition is announced at once
     * (an engage released two seconds later is two announcements, not one "released").
     */
    public void onChange(java.util.function.Consumer<KillSwitchState> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener is null"));
    }

    /** Sets the switch and returns the new state. */
    public KillSwitchState set(boolean engaged, String reason, String changedBy) {
        database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE kill_switch SET engaged = ?, reason = ?, changed_by = ?, changed_at = ? WHERE id = 1")) {
                update.setBoolean(1, engaged);
                update.setString(2, reason);
                update.setString(3, changedBy);
                Sql.setInstant(update, 4, clock.instant());
                return update.executeUpdate();
            }
        });
        KillSwitchState state = state();
        listeners.forEach(listener -> listener.accept(state));
        return state;
    }
}
