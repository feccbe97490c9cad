package dev.macaque.experiments;

import dev.macaque.spi.GroupRef;
import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Read-only questions about past runs that the run store's own queries do not answer: which kills a group has had,
 * which kills happened lately, which runs touched a provider or group. Every answer is bounded by a limit.
 */
public final class RunHistory {
    private final Database database;

    public RunHistory(Database database) {
        this.database = Objects.requireNonNull(database, "database is null");
    }

    /**
     * One termination as recorded: its intent, and its outcome once known.
     *
     * @param state   {@code INTENDED} until the provider answered, then the stored outcome state
     * @param outcome the provider's outcome ({@code TERMINATED}, {@code DRY_RUN}, ...), null while unknown
     */
    public record Kill(String runId, GroupRef group, String instanceId, boolean dryRun, String state, String outcome,
            String errorMessage, Instant intendedAt, Instant completedAt) {
    }

    /** The group's terminations, newest first. */
    public List<Kill> killsOf(GroupRef group, int limit) {
        return kills("WHERE provider = ? AND region = ? AND group_name = ?", List.of(group.provider(), group.region(), group.name()), limit);
    }

    /**
     * The group's latest real termination (never a dry run's: a rehearsal is not a kill), if it ever had one.
     */
    public Optional<Kill> lastRealKillOf(GroupRef group) {
        return kills("WHERE provider = ? AND region = ? AND group_name = ? AND dry_run = ?",
                List.of(group.provider(), group.region(), group.name(), false), 1).stream().findFirst();
    }

    /** Real terminations (no dry run's) intended at or after {@code since}, newest first. */
    public List<Kill> realKillsSince(Instant since, int limit) {
        return kills("WHERE intended_at >= ? AND dry_run = ?", List.of(since, false), limit);
    }

    /**
     * Every termination record intended at or after {@code since}, dry runs' rehearsals included, newest first: for
     * reports that count the two apart ({@link Kill#dryRun()}).
     */
    public List<Kill> allKillsSince(Instant since, int limit) {
        return kills("WHERE intended_at >= ?", List.of(since), limit);
    }

    /** How many would-be terminations of dry runs were intended at or after {@code since}: rehearsals, counted apart. */
    public long rehearsalsSince(Instant since) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM terminations WHERE intended_at >= ? AND dry_run = ?")) {
                bind(select, List.of(since, true));
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * Runs newest first, as {@link RunStore#list} pages them, narrowed to those that selected a victim in
     * {@code provider} (and {@code region}/{@code group} when given): a run refused before any selection matches none.
     */
    public List<StoredRun> runsTouching(String state, String provider, String group, Instant beforeCreatedAt, String beforeId, int limit) {
        return runsTouching(state, null, provider, group, beforeCreatedAt, beforeId, limit);
    }

    /** As {@link #runsTouching(String, String, String, Instant, String, int)}, also narrowed to runs started from {@code template} when given. */
    public List<StoredRun> runsTouching(String state, String template, String provider, String group, Instant beforeCreatedAt,
            String beforeId, int limit) {
        return database.inTransaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT r.id FROM runs r WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (state != null) {
                sql.append(" AND r.state = ?");
                args.add(state);
            }
            if (template != null) {
                sql.append(" AND r.template_name = ?");
                args.add(template);
            }
            if (provider != null || group != null) {
                sql.append(" AND EXISTS (SELECT 1 FROM terminations t WHERE t.run_id = r.id");
                if (provider != null) {
                    sql.append(" AND t.provider = ?");
                    args.add(provider);
                }
                if (group != null) {
                    sql.append(" AND t.group_name = ?");
                    args.add(group);
                }
                sql.append(')');
            }
            if (beforeCreatedAt != null) {
                sql.append(" AND (r.created_at < ? OR (r.created_at = ? AND r.id < ?))");
                args.add(beforeCreatedAt);
                args.add(beforeCreatedAt);
                args.add(beforeId);
            }
            sql.append(" ORDER BY r.created_at DESC, r.id DESC LIMIT ?");
            args.add(limit);
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement(sql.toString())) {
                bind(select, args);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            List<StoredRun> runs = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM runs WHERE id = ?")) {
                for (String id : ids) {
                    select.setString(1, id);
                    try (ResultSet rs = select.executeQuery()) {
                        if (rs.next()) {
                            runs.add(RunRows.read(rs));
                        }
                    }
                }
            }
            return runs;
        });
    }

    /**
     * Real runs (not dry runs) that terminated at least one instance for real, newest first, at most {@code limit}:
     * the runs a scorecard is computed from. Dry runs and runs that killed nothing never appear.
     */
    public List<StoredRun> runsWithRealKills(int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT r.* FROM runs r WHERE r.dry_run = FALSE AND EXISTS "
                    + "(SELECT 1 FROM terminations t WHERE t.run_id = r.id AND t.dry_run = FALSE AND t.outcome = 'TERMINATED') "
                    + "ORDER BY r.created_at DESC, r.id DESC LIMIT ?")) {
                select.setInt(1, limit);
                return RunRows.readAll(select);
            }
        });
    }

    /** Runs created in [{@code from}, {@code to}), oldest first, at most {@code limit}. */
    public List<StoredRun> runsCreatedBetween(Instant from, Instant to, int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT * FROM runs WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id LIMIT ?")) {
                Sql.setInstant(select, 1, from);
                Sql.setInstant(select, 2, to);
                select.setInt(3, limit);
                return RunRows.readAll(select);
            }
        });
    }

    /** Template names that runs were started from (templates deleted since included), in name order; at most {@code limit}. */
    public List<String> templatesUsed(int limit) {
        return database.inTransaction(c -> RunRows.templateNames(c, limit));
    }

    private List<Kill> kills(String where, List<Object> args, int limit) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM terminations " + where
                    + " ORDER BY intended_at DESC, run_id DESC, seq DESC LIMIT ?")) {
                List<Object> all = new ArrayList<>(args);
                all.add(limit);
                bind(select, all);
                List<Kill> kills = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        kills.add(read(rs));
                    }
                }
                return kills;
            }
        });
    }

    private static void bind(PreparedStatement statement, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object arg = args.get(i);
            if (arg instanceof Instant instant) {
                Sql.setInstant(statement, i + 1, instant);
            } else {
                statement.setObject(i + 1, arg);
            }
        }
    }

    private static Kill read(ResultSet rs) throws SQLException {
        return new Kill(rs.getString("run_id"), new GroupRef(rs.getString("provider"), rs.getString("region"), rs.getString("group_name")),
                rs.getString("instance_id"), rs.getBoolean("dry_run"), rs.getString("state"), rs.getString("outcome"),
                rs.getString("error_message"), Sql.instant(rs, "intended_at"), Sql.instant(rs, "completed_at"));
    }
}
