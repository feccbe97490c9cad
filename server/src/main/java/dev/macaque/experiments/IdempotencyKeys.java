package dev.macaque.experiments;

import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code idempotency_keys} table: which run a creation request's key made, and the hash of that request. */
final class IdempotencyKeys {
    /** A key already claimed by an earlier request. */
    record Claim(String requestHash, String runId) {
    }

    private IdempotencyKeys() {
    }

    static Optional<Claim> find(Connection c, String key) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT request_hash, run_id FROM idempotency_keys WHERE idem_key = ?")) {
            select.setString(1, key);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new Claim(rs.getString(1), rs.getString(2))) : Optional.empty();
            }
        }
    }

    static void claim(Connection c, String key, String requestHash, String runId, Instant now) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO idempotency_keys (idem_key, request_hash, run_id, created_at) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, requestHash);
            insert.setString(3, runId);
            Sql.setInstant(insert, 4, now);
            insert.executeUpdate();
        }
    }
}
