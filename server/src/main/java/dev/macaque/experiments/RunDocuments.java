package dev.macaque.experiments;

import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * The JSON documents kept beside a run, one table each, written in its creation transaction: the prediction it was
 * started with ({@link PredictionView}) and the preview shown before it was started ({@link PreviewShown}).
 */
enum RunDocuments {
    PREDICTION("run_predictions", "predicted_at", "prediction_json"),
    PREVIEW("run_previews", "previewed_at", "preview_json");

    private final String insert;
    private final String select;

    RunDocuments(String table, String atColumn, String jsonColumn) {
        this.insert = "INSERT INTO " + table + " (run_id, " + atColumn + ", " + jsonColumn + ") VALUES (?, ?, ?)";
        this.select = "SELECT " + jsonColumn + " FROM " + table + " WHERE run_id = ?";
    }

    void insert(Connection c, String runId, Instant at, String json) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(insert)) {
            statement.setString(1, runId);
            Sql.setInstant(statement, 2, at);
            statement.setString(3, json);
            statement.executeUpdate();
        }
    }

    Optional<String> find(Connection c, String runId) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(select)) {
            statement.setString(1, runId);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
