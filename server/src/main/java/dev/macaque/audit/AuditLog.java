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
            insert(c, clock.instant(), actor, role, action, target, source, outcome, detail);
            return null;
        });
    }

    /**
     * Appends an entry inside the caller's transaction, so that it commits (or not) with the change it records: the
     * run store writes a termination's audit entries this way, with its intent and with its outcome.
     */
    public static void insert(java.sql.Connection c, Instant at, String actor, String role, String action, String target,
            String source, String outcome, String detail) throws java.sql.SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO audit_log "
                + "(occurred_at, actor, role, action, target, source, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            Sql.setInstant(insert, 1, at);
            insert.setString(2, truncate(actor, 200));
            insert.setString(3, role);
            insert.setString(4, truncate(action, 100));
            insert.setString(5, truncate(target, 500));
            insert.setString(6, truncate(source, 100));
            insert.setString(7, truncate(outcome, 40));
            insert.setString(8, truncate(detail, 2000));
            insert.executeUpdate();
        }
    }

    /** Newest first; entries with an id below {@code beforeId} when it is set, and not older than {@code since}. */
    public List<AuditEntry> list(Instant since, Long beforeId, int limit) {
        return list(Filter.NONE, since, beforeId, limit);
    }

    /**
     * Which entries to list; null fields do not filter.
     *
     * @param action  the action, or its start ({@code experiment.} matches every experiment action)
     * @param actor   part of the actor, case-insensitive
     * @param outcome the exact outcome
     */
    public record Filter(String action, String actor, String outcome) {
        public static final Filter NONE = new Filter(null, null, null);
    }

    /** As {@link #list(Instant, Long, int)}, narrowed by {@code filter}. */
    public List<AuditEntry> list(Filter filter, Instant since, Long beforeId, int limit) {
        return database.inTransaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT * FROM audit_log WHERE 1 = 1");
            List<String> texts = new ArrayList<>();
            if (filter.action() != null) {
                sql.append(" AND action LIKE ? ESCAPE '!'");
                texts.add(likeEscaped(filter.action()) + "%");
            }
            if (filter.actor() != null) {
                sql.append(" AND LOWER(actor) LIKE ? ESCAPE '!'");
                texts.add("%" + likeEscaped(filter.actor().toLowerCase(java.util.Locale.ROOT)) + "%");
            }
            if (filter.outcome() != null) {
                sql.append(" AND outcome = ?");
                texts.add(filter.outcome());
            }
            if (since != null) {
                sql.append(" AND occurred_at >= ?");
            }
            if (beforeId != null) {
                sql.append(" AND id < ?");
            }
            sql.append(" ORDER BY id DESC LIMIT ?");
            try (PreparedStatement select = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (String text : texts) {
                    select.setString(i++, text);
                }
                if (since != null) {
                    Sql.setInstant(select, i++, since);
                }
                if (beforeId != null) {
                    select.setLong(i++, beforeId);
                }
                select.setInt(i, limit);
                return entries(select);
            }
        });
    }

    /**
     * The audit entries of one run, oldest first, at most {@code limit}: its creation and abort ({@code experiment.*}
     * with the run as target) and its terminations (written by the engine with {@code run <id>} as source).
     */
    public List<AuditEntry> ofRun(String runId, int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM audit_log WHERE (target = ? AND action LIKE 'experiment.%') "
                    + "OR source = ? ORDER BY id LIMIT ?")) {
                select.setString(1, runId);
                select.setString(2, "run " + runId);
                select.setInt(3, limit);
                return entries(select);
            }
        });
    }

    private static List<AuditEntry> entries(PreparedStatement select) throws java.sql.SQLException {
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

    private static String likeEscaped(String text) {
        return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }
}
