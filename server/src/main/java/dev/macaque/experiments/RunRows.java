package dev.macaque.experiments;

import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code runs} table: a run's identity, spec, state and saved view. Leases and aborts have their own classes. */
final class RunRows {
    private RunRows() {
    }

    /** Inserts a PENDING run owned by {@code nodeId} until {@code leaseExpiresAt}; {@code templateName} may be null. */
    static void insert(Connection c, String runId, String name, long seed, boolean dryRun, String createdBy, Instant now,
            String specJson, String nodeId, Instant leaseExpiresAt, String templateName) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO runs (id, name, state, spec_json, seed, dry_run, "
                + "created_by, created_at, updated_at, owner_node, lease_expires_at, template_name) "
                + "VALUES (?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, runId);
            insert.setString(2, name);
            insert.setString(3, specJson);
            insert.setLong(4, seed);
            insert.setBoolean(5, dryRun);
            insert.setString(6, createdBy);
            Sql.setInstant(insert, 7, now);
            Sql.setInstant(insert, 8, now);
            insert.setString(9, nodeId);
            Sql.setInstant(insert, 10, leaseExpiresAt);
            insert.setString(11, templateName);
            insert.executeUpdate();
        }
    }

    static void setState(Connection c, String runId, String state, Instant at) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE runs SET state = ?, updated_at = ? WHERE id = ?")) {
            update.setString(1, state);
            Sql.setInstant(update, 2, at);
            update.setString(3, runId);
            update.executeUpdate();
        }
    }

    /** Saves the run's view and state unless another node took the run over ({@code nodeId} no longer owns it). */
    static void saveView(Connection c, RunView view, String body, String nodeId) throws SQLException {
        // A node that lost the run to a takeover must not overwrite the closure the other node recorded.
        try (PreparedStatement update = c.prepareStatement("UPDATE runs SET state = ?, result_json = ?, updated_at = ? WHERE id = ? "
                + "AND (owner_node = ? OR owner_node IS NULL)")) {
            update.setString(1, view.state());
            update.setString(2, body);
            Sql.setInstant(update, 3, view.finishedAt() != null ? view.finishedAt() : view.createdAt());
            update.setString(4, view.id());
            update.setString(5, nodeId);
            update.executeUpdate();
        }
    }

    static Optional<StoredRun> find(Connection c, String runId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT * FROM runs WHERE id = ?")) {
            select.setString(1, runId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Newest first: runs created before the cursor position (created_at, id) when one is given, in {@code state} and
     * started from {@code template} when those are given.
     */
    static List<StoredRun> list(Connection c, String state, String template, Instant since, Instant beforeCreatedAt, String beforeId,
            int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (state != null) {
            sql.append(" AND state = ?");
            args.add(state);
        }
        if (template != null) {
            sql.append(" AND template_name = ?");
            args.add(template);
        }
        if (since != null) {
            sql.append(" AND created_at >= ?");
            args.add(since);
        }
        if (beforeCreatedAt != null) {
            sql.append(" AND (created_at < ? OR (created_at = ? AND id < ?))");
            args.add(beforeCreatedAt);
            args.add(beforeCreatedAt);
            args.add(beforeId);
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        args.add(limit);
        try (PreparedStatement select = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                if (arg instanceof Instant instant) {
                    Sql.setInstant(select, i + 1, instant);
                } else {
                    select.setObject(i + 1, arg);
                }
            }
            return readAll(select);
        }
    }

    /** Runs in an unfinished state (plus {@code condition}, whose parameters {@code bind} sets from index 1), oldest first. */
    static List<StoredRun> unfinished(Connection c, String condition, ParameterBinder bind) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT * FROM runs WHERE state IN " + RunStates.UNFINISHED + condition + " ORDER BY created_at, id")) {
            bind.bind(select, 1);
            return readAll(select);
        }
    }

    /** Sets the parameters of an SQL condition, starting at {@code first}. */
    @FunctionalInterface
    interface ParameterBinder {
        ParameterBinder NONE = (statement, first) -> {
        };

        void bind(PreparedStatement statement, int first) throws SQLException;
    }

    static List<StoredRun> readAll(PreparedStatement select) throws SQLException {
        List<StoredRun> runs = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                runs.add(read(rs));
            }
        }
        return runs;
    }

    /** Template names that runs were started from, in name order; at most {@code limit}. */
    static List<String> templateNames(Connection c, int limit) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT DISTINCT template_name FROM runs WHERE template_name IS NOT NULL ORDER BY template_name LIMIT ?")) {
            select.setInt(1, limit);
            List<String> names = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        }
    }

    /** The run of the current row of {@code rs}, a {@code SELECT *} of {@code runs}. */
    static StoredRun read(ResultSet rs) throws SQLException {
        return new StoredRun(rs.getString("id"), rs.getString("name"), rs.getString("state"), rs.getLong("seed"),
                rs.getBoolean("dry_run"), rs.getString("created_by"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                rs.getString("spec_json"), rs.getString("result_json"), rs.getString("template_name"));
    }
}
