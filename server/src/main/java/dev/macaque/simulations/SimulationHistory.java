package dev.macaque.simulations;

import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code training_simulations} table: every training simulation with its verdict and its reports, so that they
 * survive a restart and every node of a cluster lists them. Bounded by {@link #prune(int)}.
 */
public final class SimulationHistory {
    private static final String COLUMNS = "id, scenario, seed, state, created_by, created_at, finished_at, passed, error, "
            + "hypotheses, hypotheses_failed, incidents";
    private static final int MAX_ERROR = 2000;

    private final Database database;
    private final String nodeId;

    /** @param nodeId the node that runs the simulations it inserts (so that its restart closes only its own) */
    public SimulationHistory(Database database, String nodeId) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId is null");
    }

    void insert(TrainingSimulation simulation) {
        database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO training_simulations (" + COLUMNS + ", node_id) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                bind(insert, simulation);
                insert.setString(13, nodeId);
                return insert.executeUpdate();
            }
        });
    }

    /** Writes the simulation's new state, and with a finished one its reports (null for none), in one transaction. */
    void update(TrainingSimulation simulation, String reportJson, String reportHtml) {
        database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE training_simulations SET state = ?, finished_at = ?, "
                    + "passed = ?, error = ?, hypotheses = ?, hypotheses_failed = ?, incidents = ?, report_json = ?, report_html = ? "
                    + "WHERE id = ?")) {
                update.setString(1, simulation.state());
                Sql.setInstant(update, 2, simulation.finishedAt());
                setBoolean(update, 3, simulation.passed());
                update.setString(4, clip(simulation.error()));
                setInt(update, 5, simulation.hypotheses());
                setInt(update, 6, simulation.hypothesesFailed());
                setInt(update, 7, simulation.incidents());
                update.setString(8, reportJson);
                update.setString(9, reportHtml);
                update.setString(10, simulation.id());
                return update.executeUpdate();
            }
        });
    }

    void delete(String id) {
        database.inTransaction(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM training_simulations WHERE id = ?")) {
                delete.setString(1, id);
                return delete.executeUpdate();
            }
        });
    }

    /**
     * Marks this node's simulations that were queued or running when it stopped as FAILED (a restart cannot resume
     * one); returns how many.
     */
    int closeUnfinished(Instant now) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE training_simulations SET state = 'FAILED', finished_at = ?, "
                    + "error = ? WHERE node_id = ? AND state IN ('QUEUED', 'RUNNING')")) {
                Sql.setInstant(update, 1, now);
                update.setString(2, "the server stopped before it finished; submit it again");
                update.setString(3, nodeId);
                return update.executeUpdate();
            }
        });
    }

    /** Deletes the oldest finished simulations beyond the newest {@code keep} (queued and running ones stay). */
    void prune(int keep) {
        database.inTransaction(c -> {
            List<String> old = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id, state FROM training_simulations "
                    + "ORDER BY created_at DESC, id DESC");
                 ResultSet rs = select.executeQuery()) {
                int seen = 0;
                while (rs.next()) {
                    seen++;
                    String state = rs.getString("state");
                    if (seen > keep && (state.equals("COMPLETED") || state.equals("FAILED"))) {
                        old.add(rs.getString("id"));
                    }
                }
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM training_simulations WHERE id = ?")) {
                for (String id : old) {
                    delete.setString(1, id);
                    delete.executeUpdate();
                }
            }
            return old.size();
        });
    }

    /** The newest {@code limit} simulations, newest first. */
    List<TrainingSimulation> list(int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM training_simulations "
                    + "ORDER BY created_at DESC, id DESC LIMIT ?")) {
                select.setInt(1, limit);
                List<TrainingSimulation> all = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        all.add(read(rs));
                    }
                }
                return all;
            }
        });
    }

    Optional<TrainingSimulation> find(String id) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM training_simulations WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The simulation's report in {@code column} ({@code report_json} or {@code report_html}); empty without one. */
    Optional<String> report(String id, boolean html) {
        return database.inTransaction(c -> reportIn(c, id, html ? "report_html" : "report_json"));
    }

    private static Optional<String> reportIn(Connection c, String id, String column) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + column + " FROM training_simulations WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement statement, TrainingSimulation s) throws SQLException {
        statement.setString(1, s.id());
        statement.setString(2, s.scenario());
        statement.setLong(3, s.seed());
        statement.setString(4, s.state());
        statement.setString(5, s.createdBy());
        Sql.setInstant(statement, 6, s.createdAt());
        Sql.setInstant(statement, 7, s.finishedAt());
        setBoolean(statement, 8, s.passed());
        statement.setString(9, clip(s.error()));
        setInt(statement, 10, s.hypotheses());
        setInt(statement, 11, s.hypothesesFailed());
        setInt(statement, 12, s.incidents());
    }

    private static void setBoolean(PreparedStatement statement, int index, Boolean value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.BOOLEAN);
        } else {
            statement.setBoolean(index, value);
        }
    }

    private static void setInt(PreparedStatement statement, int index, Integer value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.INTEGER);
        } else {
            statement.setInt(index, value);
        }
    }

    private static TrainingSimulation read(ResultSet rs) throws SQLException {
        return new TrainingSimulation(rs.getString("id"), rs.getString("scenario"), rs.getLong("seed"), rs.getString("state"),
                rs.getString("created_by"), Sql.instant(rs, "created_at"), Sql.instant(rs, "finished_at"),
                nullableBoolean(rs, "passed"), rs.getString("error"), nullableInt(rs, "hypotheses"),
                nullableInt(rs, "hypotheses_failed"), nullableInt(rs, "incidents"));
    }

    private static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : value;
    }

    private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static String clip(String text) {
        return text == null || text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR);
    }
}
