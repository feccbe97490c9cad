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
        return state();
    }
}
