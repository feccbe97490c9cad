package dev.macaque.experiments;

import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunStep;
import dev.macaque.experiments.RunStore.OpenIntent;
import dev.macaque.experiments.TerminationReconciler.Reconciliation;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code terminations} table: one row per termination intent, from INTENDED to its outcome, and settled once the
 * kill can no longer be in flight (its group recovered, its run ended, or it killed nothing).
 */
final class TerminationRows {
    /** States of a termination row whose kill may be in flight until it settles. */
    private static final String MAY_HAVE_KILLED = "('INTENDED', 'DONE', 'UNKNOWN')";

    private TerminationRows() {
    }

    static void insertIntent(Connection c, RunEvent event, RunStep.TerminationIntent intent) throws SQLException {
        GroupRef group = intent.group();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO terminations (run_id, seq, provider, region, group_name, "
                + "instance_id, dry_run, state, intended_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'INTENDED', ?)")) {
            insert.setString(1, event.runId());
            insert.setLong(2, event.seq());
            insert.setString(3, group.provider());
            insert.setString(4, group.region());
            insert.setString(5, group.name());
            insert.setString(6, intent.instance());
            insert.setBoolean(7, intent.dryRun());
            Sql.setInstant(insert, 8, event.time());
            insert.executeUpdate();
        }
    }

    static void finish(Connection c, RunEvent event, GroupRef group, String instance, String state, String outcome,
            String errorKind, String message, boolean settles) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE terminations SET state = ?, outcome = ?, error_kind = ?, "
                + "error_message = ?, completed_at = ?, settled_at = ? WHERE run_id = ? AND provider = ? AND region = ? "
                + "AND group_name = ? AND instance_id = ? AND state = 'INTENDED'")) {
            update.setString(1, state);
            update.setString(2, outcome);
            update.setString(3, errorKind);
            update.setString(4, message == null || message.length() <= 2000 ? message : message.substring(0, 2000));
            Sql.setInstant(update, 5, event.time());
            // a termination that killed nothing settles now; a kill stays in flight until its group is back
            Sql.setInstant(update, 6, settles ? event.time() : null);
            update.setString(7, event.runId());
            update.setString(8, group.provider());
            update.setString(9, group.region());
            update.setString(10, group.name());
            update.setString(11, instance);
            update.executeUpdate();
        }
    }

    /** Settles the run's kills (its run ended); an UNKNOWN one stays in flight until its provider answers. */
    static void settleRun(Connection c, String runId, Instant at) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE terminations SET settled_at = ? WHERE run_id = ? AND settled_at IS NULL AND state <> 'UNKNOWN'")) {
            Sql.setInstant(update, 1, at);
            update.setString(2, runId);
            update.executeUpdate();
        }
    }

    /** Settles the run's kills in {@code group} (the group is back, or will not be). */
    static void settleGroup(Connection c, String runId, GroupRef group, Instant at) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE terminations SET settled_at = ? WHERE run_id = ? "
                + "AND provider = ? AND region = ? AND group_name = ? AND settled_at IS NULL AND state <> 'UNKNOWN'")) {
            Sql.setInstant(update, 1, at);
            update.setString(2, runId);
            update.setString(3, group.provider());
            update.setString(4, group.region());
            update.setString(5, group.name());
            update.executeUpdate();
        }
    }

    /** The group's real kills that may be in flight: instance id to the run that intended it. */
    static Map<String, String> inFlight(Connection c, GroupRef group) throws SQLException {
        Map<String, String> inFlight = new LinkedHashMap<>();
        try (PreparedStatement select = c.prepareStatement("SELECT instance_id, run_id FROM terminations WHERE provider = ? "
                + "AND region = ? AND group_name = ? AND dry_run = FALSE AND settled_at IS NULL AND state IN " + MAY_HAVE_KILLED)) {
            select.setString(1, group.provider());
            select.setString(2, group.region());
            select.setString(3, group.name());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    inFlight.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return inFlight;
    }

    /** Groups with a real kill that may be in flight, of every run but {@code exceptRunId} (null: of every run). */
    static Set<GroupRef> groupsWithKillsInFlight(Connection c, String exceptRunId) throws SQLException {
        Set<GroupRef> groups = new HashSet<>();
        try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT provider, region, group_name FROM terminations "
                + "WHERE dry_run = FALSE AND settled_at IS NULL AND state IN " + MAY_HAVE_KILLED
                + (exceptRunId != null ? " AND run_id <> ?" : ""))) {
            if (exceptRunId != null) {
                select.setString(1, exceptRunId);
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    groups.add(new GroupRef(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return groups;
    }

    static int countRealIntentsSince(Connection c, Instant since) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM terminations WHERE dry_run = FALSE AND intended_at > ?")) {
            Sql.setInstant(count, 1, since);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The run's intents in one of {@code states} (an SQL list of quoted names), in intent order. */
    static List<OpenIntent> open(Connection c, String runId, String states) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT * FROM terminations WHERE run_id = ? AND state IN (" + states + ") ORDER BY seq")) {
            select.setString(1, runId);
            List<OpenIntent> open = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    open.add(new OpenIntent(new GroupRef(rs.getString("provider"), rs.getString("region"), rs.getString("group_name")),
                            rs.getString("instance_id"), rs.getLong("seq"), Sql.instant(rs, "intended_at")));
                }
            }
            return open;
        }
    }

    /** Runs with a termination whose outcome a crash left UNKNOWN. */
    static List<String> runsWithUnknownOutcomes(Connection c) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT run_id FROM terminations WHERE state = 'UNKNOWN'");
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Locks the termination's row and tells whether it is still UNKNOWN (another node may have settled it). */
    static boolean lockIfUnknown(Connection c, String runId, long seq) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT state FROM terminations WHERE run_id = ? AND seq = ? FOR UPDATE")) {
            lock.setString(1, runId);
            lock.setLong(2, seq);
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() && "UNKNOWN".equals(rs.getString(1));
            }
        }
    }

    /** Records what the provider said of the termination; an unknown answer keeps it in flight. */
    static void reconcile(Connection c, String runId, long seq, Reconciliation r, Instant now) throws SQLException {
        boolean known = r.known();
        try (PreparedStatement update = c.prepareStatement("UPDATE terminations SET state = ?, outcome = ?, error_message = ?, "
                + "completed_at = ?, reconciled_at = ?, settled_at = ? WHERE run_id = ? AND seq = ?")) {
            update.setString(1, known ? "DONE" : "UNKNOWN");
            update.setString(2, r.outcome());
            update.setString(3, r.detail());
            Sql.setInstant(update, 4, now);
            Sql.setInstant(update, 5, known ? now : null);
            // an unknown outcome keeps the kill in flight: its group stays busy until the provider answers
            Sql.setInstant(update, 6, known ? now : null);
            update.setString(7, runId);
            update.setLong(8, seq);
            update.executeUpdate();
        }
    }

    /** The run's terminations as its rows say. */
    static List<RunView.TerminationView> views(Connection c, String runId) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT * FROM terminations WHERE run_id = ? ORDER BY seq")) {
            select.setString(1, runId);
            List<RunView.TerminationView> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String state = rs.getString("state");
                    String status = switch (state) {
                        case "INTENDED" -> "PENDING";
                        case "DONE" -> rs.getString("outcome");
                        default -> state;
                    };
                    boolean reconciled = rs.getObject("reconciled_at") != null;
                    rows.add(new RunView.TerminationView(rs.getString("provider") + "/" + rs.getString("region") + "/"
                            + rs.getString("group_name"), rs.getString("instance_id"), rs.getBoolean("dry_run"), status,
                            0, Sql.instant(rs, "intended_at"), Sql.instant(rs, "completed_at"),
                            reconciled ? rs.getString("error_message") : null, rs.getString("error_kind"),
                            reconciled ? null : rs.getString("error_message")));
                }
            }
            return rows;
        }
    }
}
