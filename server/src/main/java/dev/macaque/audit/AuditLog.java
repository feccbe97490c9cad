package dev.macaque.audit;

import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The append-only audit trail: entries are inserted, never updated or deleted. */
public final class AuditLog {
    private final Database database;
    private final Clock clock;

    public AuditLog(Database database, Clock clock) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    public void record(String actor, String role, String action, String target, String source, String outcome, String detail) {
        database.inTransaction(c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_log "
                    + "(occurred_at, actor, role, action, target, source, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                Sql.setInstant(insert, 1, clock.instant());
                insert.setString(2, truncate(actor, 200));
                insert.setString(3, role);
                insert.setString(4, truncate(action, 100));
                insert.setString(5, truncate(target, 500));
                insert.setString(6, truncate(source, 100));
                insert.setString(7, truncate(outcome, 40));
                insert.setString(8, truncate(detail, 2000));
                return insert.executeUpdate();
            }
        });
    }

    /** Newest first; entries with an id below {@code beforeId} when it is set, and not older than {@code since}. */
    public List<AuditEntry> list(Instant since, Long beforeId, int limit) {
        return database.inTransaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
            if (since != null) {
                sql.append(" AND occurred_at >= ?");
            }
            if (beforeId != null) {
                sql.append(" AND id < ?");
            }
            sql.append(" ORDER BY id DESC LIMIT ?");
            try (PreparedStatement select = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (since != null) {
                    Sql.setInstant(select, i++, since);
                }
                if (beforeId != null) {
                    select.setLong(i++, beforeId);
                }
                select.setInt(i, limit);
                List<AuditEntry> entries = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new AuditEntry(rs.getLong("id"), Sql.instant(rs, "occurred_at"), rs.getString("actor"),
                                rs.getString("role"), rs.getString("action"), rs.getString("target"), rs.getString("source"),
                                rs.getString("outcome"), rs.getString("detail")));
                    }
                }
                return entries;
            }
        });
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
