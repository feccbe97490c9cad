package dev.macaque.experiments;

import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code run_predictions} table: the prediction a run was started with, as JSON ({@link PredictionView}). */
final class RunPredictions {
    private RunPredictions() {
    }

    static void insert(Connection c, String runId, Instant predictedAt, String predictionJson) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO run_predictions (run_id, predicted_at, prediction_json) VALUES (?, ?, ?)")) {
            insert.setString(1, runId);
            Sql.setInstant(insert, 2, predictedAt);
            insert.setString(3, predictionJson);
            insert.executeUpdate();
        }
    }

    static Optional<String> find(Connection c, String runId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT prediction_json FROM run_predictions WHERE run_id = ?")) {
            select.setString(1, runId);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
