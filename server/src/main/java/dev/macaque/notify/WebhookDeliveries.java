package dev.macaque.notify;

import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Every webhook delivery attempt, and the claims that let exactly one node announce a cluster-wide event. */
public final class WebhookDeliveries {
    private final Database database;

    public WebhookDeliveries(Database database) {
        this.database = Objects.requireNonNull(database, "database is null");
    }

    /** One attempt as recorded. {@code statusCode} is 0 when no HTTP answer came. */
    public record Attempt(String eventId, String eventType, String url, int attempt, int statusCode, String outcome, String error,
            Instant attemptedAt) {
    }

    public void record(Attempt attempt) {
        database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO webhook_deliveries (event_id, event_type, url, attempt, "
                    + "status_code, outcome, error, attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, attempt.eventId());
                insert.setString(2, attempt.eventType());
                insert.setString(3, attempt.url());
                insert.setInt(4, attempt.attempt());
                insert.setInt(5, attempt.statusCode());
                insert.setString(6, attempt.outcome());
                String error = attempt.error();
                insert.setString(7, error == null || error.length() <= 2000 ? error : error.substring(0, 2000));
                Sql.setInstant(insert, 8, attempt.attemptedAt());
                return insert.executeUpdate();
            }
        });
    }

    /** Attempts in the order they were made. */
    public List<Attempt> attempts() {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM webhook_deliveries ORDER BY id");
                 ResultSet rs = select.executeQuery()) {
                List<Attempt> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Attempt(rs.getString("event_id"), rs.getString("event_type"), rs.getString("url"), rs.getInt("attempt"),
                            rs.getInt("status_code"), rs.getString("outcome"), rs.getString("error"), Sql.instant(rs, "attempted_at")));
                }
                return out;
            }
        });
    }

    /**
     * Claims {@code eventKey} for {@code node}: true for the first node only, so that an event every node observes
     * (a kill switch change) is announced once.
     */
    public boolean claim(String eventKey, String node, Instant now) {
        try {
            return database.inTransaction(c -> {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO notification_claims (event_key, claimed_by, claimed_at) VALUES (?, ?, ?)")) {
                    insert.setString(1, eventKey);
                    insert.setString(2, node);
                    Sql.setInstant(insert, 3, now);
                    return insert.executeUpdate() == 1;
                }
            });
        } catch (dev.macaque.store.StoreException e) {
            if (e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return false;
            }
            throw e;
        }
    }
}
