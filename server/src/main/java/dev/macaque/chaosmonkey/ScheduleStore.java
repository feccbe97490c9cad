package dev.macaque.chaosmonkey;

import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import dev.macaque.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Schedules and their decisions in the database, shared by every node. A decision row is created once per
 * (schedule, group, day) — the primary key decides which node got it — and claimed with a lease; an expired claim
 * is taken over with {@code SELECT … FOR UPDATE SKIP LOCKED} on PostgreSQL.
 */
public final class ScheduleStore {
    private final Database database;

    public ScheduleStore(Database database) {
        this.database = Objects.requireNonNull(database, "database is null");
    }

    /** Inserts {@code schedule}; false when its name is already taken. */
    public boolean insert(StoredSchedule schedule) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO schedules (id, name, source, definition_json, seed, "
                        + "enabled, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, schedule.id());
                    insert.setString(2, schedule.name());
                    insert.setString(3, schedule.source());
                    insert.setString(4, schedule.definitionJson());
                    insert.setLong(5, schedule.seed());
                    insert.setBoolean(6, schedule.enabled());
                    insert.setString(7, schedule.createdBy());
                    Sql.setInstant(insert, 8, schedule.createdAt());
                    Sql.setInstant(insert, 9, schedule.updatedAt());
                    return insert.executeUpdate() == 1;
                }
            });
        } catch (StoreException e) {
            if (isDuplicate(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces the definition of schedule {@code id}; false when there is none (or the new name is taken). */
    public boolean update(String id, String name, String definitionJson, boolean enabled, Instant now) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE schedules SET name = ?, definition_json = ?, enabled = ?, updated_at = ? WHERE id = ?")) {
                    update.setString(1, name);
                    update.setString(2, definitionJson);
                    update.setBoolean(3, enabled);
                    Sql.setInstant(update, 4, now);
                    update.setString(5, id);
                    return update.executeUpdate() == 1;
                }
            });
        } catch (StoreException e) {
            if (isDuplicate(e)) {
                return false;
            }
            throw e;
        }
    }

    public boolean delete(String id) {
        return database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM schedules WHERE id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate() == 1;
            }
        });
    }

    public Optional<StoredSchedule> find(String id) {
        return one("SELECT * FROM schedules WHERE id = ?", id);
    }

    public Optional<StoredSchedule> findByName(String name) {
        return one("SELECT * FROM schedules WHERE name = ?", name);
    }

    /** Every schedule, by name. */
    public List<StoredSchedule> list() {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM schedules ORDER BY name");
                 ResultSet rs = select.executeQuery()) {
                List<StoredSchedule> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(schedule(rs));
                }
                return out;
            }
        });
    }

    private Optional<StoredSchedule> one(String sql, String arg) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setString(1, arg);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(schedule(rs)) : Optional.empty();
                }
            }
        });
    }

    private static StoredSchedule schedule(ResultSet rs) throws SQLException {
        return new StoredSchedule(rs.getString("id"), rs.getString("name"), rs.getString("source"), rs.getString("definition_json"),
                rs.getLong("seed"), rs.getBoolean("enabled"), rs.getString("created_by"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Decisions

    /** Keys {@code group|day} of the schedule's decisions on or after {@code fromDay}. */
    public Set<String> decisionKeys(String scheduleId, LocalDate fromDay) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT group_key, decision_day FROM schedule_decisions WHERE schedule_id = ? AND decision_day >= ?")) {
                select.setString(1, scheduleId);
                select.setObject(2, fromDay);
                Set<String> keys = new HashSet<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1) + "|" + rs.getObject(2, LocalDate.class));
                    }
                }
                return keys;
            }
        });
    }

    /** Creates {@code decision}; false when a decision for its (schedule, group, day) already exists. */
    public boolean insert(Decision decision) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO schedule_decisions (schedule_id, group_key, decision_day, "
                        + "planned_at, window_end, state, run_id, owner_node, lease_expires_at, attempts, detail, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, decision.scheduleId());
                    insert.setString(2, decision.groupKey());
                    insert.setObject(3, decision.day());
                    Sql.setInstant(insert, 4, decision.plannedAt());
                    Sql.setInstant(insert, 5, decision.windowEnd());
                    insert.setString(6, decision.state().name());
                    insert.setString(7, decision.runId());
                    insert.setString(8, decision.ownerNode());
                    Sql.setInstant(insert, 9, decision.leaseExpiresAt());
                    insert.setInt(10, decision.attempts());
                    insert.setString(11, truncate(decision.detail()));
                    Sql.setInstant(insert, 12, decision.updatedAt());
                    return insert.executeUpdate() == 1;
                }
            });
        } catch (StoreException e) {
            if (isDuplicate(e)) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Claims for {@code node} every decision that is POSTPONED, or CLAIMED by a node whose lease expired: at most one
     * node gets each (row locks; other nodes skip rows being claimed).
     */
    public List<Decision> claimRetryable(String node, Instant now, Instant leaseUntil) {
        return database.inTransaction(c -> {
            List<Decision> claimed = new ArrayList<>();
            String sql = "SELECT * FROM schedule_decisions WHERE state = 'POSTPONED' OR (state = 'CLAIMED' AND lease_expires_at < ?) "
                    + "ORDER BY planned_at FOR UPDATE" + (database.isPostgres() ? " SKIP LOCKED" : "");
            try (PreparedStatement select = c.prepareStatement(sql)) {
                Sql.setInstant(select, 1, now);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(decision(rs));
                    }
                }
            }
            List<Decision> out = new ArrayList<>();
            for (Decision d : claimed) {
                setState(c, d, DecisionState.CLAIMED, node, leaseUntil, d.attempts(), d.detail(), now);
                out.add(new Decision(d.scheduleId(), d.groupKey(), d.day(), d.plannedAt(), d.windowEnd(), DecisionState.CLAIMED, d.runId(),
                        node, leaseUntil, d.attempts(), d.detail(), now));
            }
            return out;
        });
    }

    /**
     * Moves {@code decision} to {@code state}, but only while {@code node} still holds it (its claim was not taken
     * over); false otherwise.
     */
    public boolean finish(Decision decision, String node, DecisionState state, int attempts, String detail, Instant now) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE schedule_decisions SET state = ?, owner_node = ?, "
                    + "lease_expires_at = NULL, attempts = ?, detail = ?, updated_at = ? WHERE schedule_id = ? AND group_key = ? "
                    + "AND decision_day = ? AND state = 'CLAIMED' AND owner_node = ?")) {
                update.setString(1, state.name());
                update.setString(2, state == DecisionState.POSTPONED ? null : node);
                update.setInt(3, attempts);
                update.setString(4, truncate(detail));
                Sql.setInstant(update, 5, now);
                update.setString(6, decision.scheduleId());
                update.setString(7, decision.groupKey());
                update.setObject(8, decision.day());
                update.setString(9, node);
                return update.executeUpdate() == 1;
            }
        });
    }

    private static void setState(Connection c, Decision d, DecisionState state, String node, Instant lease, int attempts, String detail,
            Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE schedule_decisions SET state = ?, owner_node = ?, lease_expires_at = ?, "
                + "attempts = ?, detail = ?, updated_at = ? WHERE schedule_id = ? AND group_key = ? AND decision_day = ?")) {
            update.setString(1, state.name());
            update.setString(2, node);
            Sql.setInstant(update, 3, lease);
            update.setInt(4, attempts);
            update.setString(5, truncate(detail));
            Sql.setInstant(update, 6, now);
            update.setString(7, d.scheduleId());
            update.setString(8, d.groupKey());
            update.setObject(9, d.day());
            update.executeUpdate();
        }
    }

    /** The schedule's decisions, newest planned first ({@code scheduleId} null: every schedule's). */
    public List<Decision> decisions(String scheduleId, int limit) {
        return database.inTransaction(c -> {
            String sql = "SELECT * FROM schedule_decisions" + (scheduleId == null ? "" : " WHERE schedule_id = ?")
                    + " ORDER BY planned_at DESC, group_key LIMIT ?";
            try (PreparedStatement select = c.prepareStatement(sql)) {
                int i = 1;
                if (scheduleId != null) {
                    select.setString(i++, scheduleId);
                }
                select.setInt(i, limit);
                List<Decision> out = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.add(decision(rs));
                    }
                }
                return out;
            }
        });
    }

    private static Decision decision(ResultSet rs) throws SQLException {
        return new Decision(rs.getString("schedule_id"), rs.getString("group_key"), rs.getObject("decision_day", LocalDate.class),
                Sql.instant(rs, "planned_at"), Sql.instant(rs, "window_end"), DecisionState.valueOf(rs.getString("state")),
                rs.getString("run_id"), rs.getString("owner_node"), Sql.instant(rs, "lease_expires_at"), rs.getInt("attempts"),
                rs.getString("detail"), Sql.instant(rs, "updated_at"));
    }

    private static String truncate(String text) {
        return text == null || text.length() <= 2000 ? text : text.substring(0, 2000);
    }

    static boolean isDuplicate(StoreException e) {
        return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
    }

}
