package dev.macaque.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.text.Durations;
import dev.macaque.engine.KillHistory;
import dev.macaque.engine.RefusalReason;
import dev.macaque.engine.TerminationClaimRefused;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunEventFields;
import dev.macaque.engine.RunEventType;
import dev.macaque.engine.RunRecorder;
import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetView;
import dev.macaque.engine.GuardrailDecision;
import dev.macaque.engine.IntentGuard;
import dev.macaque.audit.AuditLog;
import dev.macaque.experiments.TerminationReconciler.Reconciliation;
import dev.macaque.engine.RunStep;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs, their events and terminations, idempotency keys and the kill history, in the database.
 *
 * <p>It is the engine's {@link RunRecorder}: each event is committed before {@link #record(RunEvent)} returns, so a
 * termination's intent row exists before the provider is called. It is also the engine's {@link KillHistory}, shared
 * by every run and every node on the same database.
 */
public final class RunStore implements RunRecorder, KillHistory {
    private static final TypeReference<LinkedHashMap<String, String>> FIELDS = new TypeReference<>() {
    };

    private static final String UNFINISHED = "('PENDING', 'RUNNING', 'VERIFYING')";

    /** States of a termination row whose kill may be in flight until it settles. */
    private static final String MAY_HAVE_KILLED = "('INTENDED', 'DONE', 'UNKNOWN')";

    private final Database database;
    private final ObjectMapper json;
    private final String nodeId;
    private final Duration lease;
    private final FleetBudgets budgets;

    /** A store for a single node ({@code local}) with 30-second run leases and the default fleet budgets. */
    public RunStore(Database database, ObjectMapper json) {
        this(database, json, "local", Duration.ofSeconds(30));
    }

    public RunStore(Database database, ObjectMapper json, String nodeId, Duration lease) {
        this(database, json, nodeId, lease, FleetBudgets.DEFAULTS);
    }

    /**
     * @param nodeId  this node's name: runs it creates are owned by it, and it may only record intents of runs it owns
     * @param lease   how long a run stays this node's without {@link #renewLeases renewal}
     * @param budgets the fleet budgets ({@code safety.*}) every intent is decided against
     */
    public RunStore(Database database, ObjectMapper json, String nodeId, Duration lease, FleetBudgets budgets) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId is null");
        this.lease = Objects.requireNonNull(lease, "lease is null");
        this.budgets = Objects.requireNonNull(budgets, "budgets is null");
    }

    public String nodeId() {
        return nodeId;
    }

    /** The outcome of {@link #create}: a new run, or the run an earlier request with the same idempotency key made. */
    public sealed interface Creation {
        record Created(String runId) implements Creation {
        }

        record Replayed(String runId) implements Creation {
        }

        record KeyConflict(String runId) implements Creation {
        }
    }

    /**
     * Inserts a PENDING run and, when {@code idempotencyKey} is set, claims the key for it, in one transaction. A key
     * already claimed with the same request hash replays its run; with another hash it is a conflict.
     */
    public Creation create(String runId, String name, long seed, boolean dryRun, String createdBy, Instant now, String specJson,
            String idempotencyKey, String requestHash) {
        return database.inTransaction(c -> {
            if (idempotencyKey != null) {
                try (PreparedStatement select = c.prepareStatement("SELECT request_hash, run_id FROM idempotency_keys WHERE idem_key = ?")) {
                    select.setString(1, idempotencyKey);
                    try (ResultSet rs = select.executeQuery()) {
                        if (rs.next()) {
                            return rs.getString(1).equals(requestHash) ? new Creation.Replayed(rs.getString(2))
                                    : new Creation.KeyConflict(rs.getString(2));
                        }
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO runs (id, name, state, spec_json, seed, dry_run, "
                    + "created_by, created_at, updated_at, owner_node, lease_expires_at) VALUES (?, ?, 'PENDING', ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, runId);
                insert.setString(2, name);
                insert.setString(3, specJson);
                insert.setLong(4, seed);
                insert.setBoolean(5, dryRun);
                insert.setString(6, createdBy);
                Sql.setInstant(insert, 7, now);
                Sql.setInstant(insert, 8, now);
                insert.setString(9, nodeId);
                Sql.setInstant(insert, 10, now.plus(lease));
                insert.executeUpdate();
            }
            if (idempotencyKey != null) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO idempotency_keys (idem_key, request_hash, run_id, created_at) VALUES (?, ?, ?, ?)")) {
                    insert.setString(1, idempotencyKey);
                    insert.setString(2, requestHash);
                    insert.setString(3, runId);
                    Sql.setInstant(insert, 4, now);
                    insert.executeUpdate();
                }
            }
            return new Creation.Created(runId);
        });
    }

    @Override
    public void record(RunEvent event) {
        database.inTransaction(c -> {
            keep(c, event);
            return null;
        });
    }

    /**
     * Decides the intent against the whole fleet's record and keeps it, in one transaction that holds the fleet lock:
     * every run's kills in flight in the group, the fleet's counts and the budgets are read, {@code guard} decides, and
     * only an allowed intent is inserted — with its termination row and its audit entry — before this returns. Two
     * runs or nodes racing on one group serialise on the lock, so they cannot both pass.
     */
    @Override
    public void recordIntent(RunEvent event, IntentGuard guard) {
        RunStep.TerminationIntent intent = (RunStep.TerminationIntent) event.step();
        database.inTransaction(c -> {
            try (PreparedStatement lock = c.prepareStatement("SELECT id FROM fleet_lock WHERE id = 1 FOR UPDATE");
                 ResultSet rs = lock.executeQuery()) {
                rs.next();
            }
            FleetView view = fleetView(c, intent.group(), event.time());
            if (guard.decide(view) instanceof GuardrailDecision.Refused refused) {
                throw new TerminationClaimRefused(refused.reason(), refused.message());
            }
            keep(c, event);
            return null;
        });
    }

    private FleetView fleetView(Connection c, GroupRef group, Instant now) throws SQLException {
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
        int lastHour = countRealIntentsSince(c, now.minus(Duration.ofHours(1)));
        int lastDay = countRealIntentsSince(c, now.minus(Duration.ofDays(1)));
        java.util.Set<GroupRef> degraded = new java.util.HashSet<>();
        try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT provider, region, group_name FROM terminations "
                + "WHERE dry_run = FALSE AND settled_at IS NULL AND state IN " + MAY_HAVE_KILLED);
             ResultSet rs = select.executeQuery()) {
            while (rs.next()) {
                degraded.add(new GroupRef(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        boolean killSwitch;
        try (PreparedStatement select = c.prepareStatement("SELECT engaged FROM kill_switch WHERE id = 1");
             ResultSet rs = select.executeQuery()) {
            killSwitch = rs.next() && rs.getBoolean(1);
        }
        Instant lastKill = null;
        try (PreparedStatement select = c.prepareStatement("SELECT last_kill_at FROM kill_history WHERE group_key = ?")) {
            select.setString(1, group.toString());
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    lastKill = Sql.instant(rs, "last_kill_at");
                }
            }
        }
        return new FleetView(inFlight, lastHour, lastDay, degraded, budgets, killSwitch, lastKill);
    }

    private static int countRealIntentsSince(Connection c, Instant since) throws SQLException {
        try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM terminations WHERE dry_run = FALSE AND intended_at > ?")) {
            Sql.setInstant(count, 1, since);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Override
    public java.util.Set<GroupRef> busyGroups(String runId) {
        return database.inTransaction(c -> {
            java.util.Set<GroupRef> busy = new java.util.HashSet<>();
            try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT provider, region, group_name FROM terminations "
                    + "WHERE dry_run = FALSE AND settled_at IS NULL AND state IN " + MAY_HAVE_KILLED + " AND run_id <> ?")) {
                select.setString(1, runId);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        busy.add(new GroupRef(rs.getString(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return busy;
        });
    }

    /** Inserts the event and applies it to the run's rows, inside the caller's transaction. */
    private void keep(Connection c, RunEvent event) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO run_events (run_id, seq, occurred_at, type, data_json) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, event.runId());
            insert.setLong(2, event.seq());
            Sql.setInstant(insert, 3, event.time());
            insert.setString(4, event.type().name());
            insert.setString(5, write(event.fields()));
            insert.executeUpdate();
        }
        RunStep step = event.step();
        if (step instanceof RunStep.RunStarted) {
            setState(c, event, "RUNNING");
        } else if (step instanceof RunStep.VerificationStarted) {
            setState(c, event, "VERIFYING");
        } else if (step instanceof RunStep.RunCompleted) {
            setState(c, event, "COMPLETED");
            settleRun(c, event.runId(), event.time());
        } else if (step instanceof RunStep.RunFailed) {
            setState(c, event, "FAILED");
            settleRun(c, event.runId(), event.time());
        } else if (step instanceof RunStep.RunAborted) {
            setState(c, event, "ABORTED");
            settleRun(c, event.runId(), event.time());
        } else if (step instanceof RunStep.RunHalted) {
            setState(c, event, "HALTED");
            settleRun(c, event.runId(), event.time());
        } else if (step instanceof RunStep.RunNotSteady) {
            setState(c, event, "NOT_STEADY");
            settleRun(c, event.runId(), event.time());
        } else if (step instanceof RunStep.TerminationIntent intent) {
            insertIntent(c, event, intent);
            audit(c, event, intent.group(), intent.instance(), "intended", (intent.dryRun() ? "dry run; " : "")
                    + "intent committed before the provider is called (idempotency key " + intent.idempotencyKey() + ")");
        } else if (step instanceof RunStep.TerminationOutcome outcome) {
            finishTermination(c, event, outcome.group(), outcome.instance(), "DONE", outcome.outcome().name(), null, null,
                    !outcome.outcome().killed());
            audit(c, event, outcome.group(), outcome.instance(), outcome.outcome().name().toLowerCase(java.util.Locale.ROOT),
                    outcome.detail());
        } else if (step instanceof RunStep.TerminationFailed failed) {
            finishTermination(c, event, failed.group(), failed.instance(), "FAILED", "FAILED", failed.errorKind(),
                    failed.errorMessage(), true);
            audit(c, event, failed.group(), failed.instance(), "failed", failed.errorKind() + ": " + failed.errorMessage());
        } else if (step instanceof RunStep.TerminationAbandoned abandoned) {
            finishTermination(c, event, abandoned.group(), abandoned.instance(), "ABANDONED", "ABANDONED", null, null, true);
            audit(c, event, abandoned.group(), abandoned.instance(), "abandoned", "the run was aborted while waiting to retry");
        } else if (step instanceof RunStep.GroupRecovered recovered) {
            settleGroup(c, event.runId(), recovered.group(), event.time());
        } else if (step instanceof RunStep.GroupNotRecovered notRecovered) {
            settleGroup(c, event.runId(), notRecovered.group(), event.time());
        }
    }

    /** The audit entries of a termination: one for its intent, one for its outcome, each in its own event's transaction. */
    private static void audit(Connection c, RunEvent event, GroupRef group, String instance, String outcome, String detail)
            throws SQLException {
        AuditLog.insert(c, event.time(), "engine", null, "instance.terminate", group + "/" + instance, "run " + event.runId(),
                outcome, detail);
    }

    private static void settleRun(Connection c, String runId, Instant at) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE terminations SET settled_at = ? WHERE run_id = ? AND settled_at IS NULL AND state <> 'UNKNOWN'")) {
            Sql.setInstant(update, 1, at);
            update.setString(2, runId);
            update.executeUpdate();
        }
    }

    private static void settleGroup(Connection c, String runId, GroupRef group, Instant at) throws SQLException {
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

    private static void setState(Connection c, RunEvent event, String state) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE runs SET state = ?, updated_at = ? WHERE id = ?")) {
            update.setString(1, state);
            Sql.setInstant(update, 2, event.time());
            update.setString(3, event.runId());
            update.executeUpdate();
        }
    }

    private void insertIntent(Connection c, RunEvent event, RunStep.TerminationIntent intent) throws SQLException {
        GroupRef group = intent.group();
        // Fencing: only the node that owns the run may commit an intent. A node whose lease expired and whose run
        // another node closed meanwhile fails here, before the provider is called.
        try (PreparedStatement own = c.prepareStatement("UPDATE runs SET lease_expires_at = ? WHERE id = ? AND owner_node = ? "
                + "AND state IN " + UNFINISHED)) {
            Sql.setInstant(own, 1, event.time().plus(lease));
            own.setString(2, event.runId());
            own.setString(3, nodeId);
            if (own.executeUpdate() != 1) {
                throw new IllegalStateException("run " + event.runId() + " is no longer driven by node " + nodeId
                        + " (its lease expired and another node closed it); termination of " + intent.instance() + " not started");
            }
        }
        Duration min = intent.minTimeBetweenKills();
        if (!intent.dryRun() && !min.isZero()) {
            claimGroup(c, group, event.time(), min);
        }
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

    private static void finishTermination(Connection c, RunEvent event, GroupRef group, String instance, String state,
            String outcome, String errorKind, String message, boolean settles) throws SQLException {
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

    /**
     * Records {@code at} as the group's last kill, in the intent's transaction, unless the group was killed less than
     * {@code min} before: then throws {@link TerminationClaimRefused} and nothing of the intent is kept. Concurrent
     * claims serialise on the group's row (or its primary key), so two nodes can never both claim within {@code min}.
     */
    private static void claimGroup(Connection c, GroupRef group, Instant at, Duration min) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE kill_history SET last_kill_at = ? WHERE group_key = ? AND last_kill_at <= ?")) {
            Sql.setInstant(update, 1, at);
            update.setString(2, group.toString());
            Sql.setInstant(update, 3, at.minus(min));
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement select = c.prepareStatement("SELECT last_kill_at FROM kill_history WHERE group_key = ?")) {
            select.setString(1, group.toString());
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    throw refusedBecauseKilledAt(group, Sql.instant(rs, "last_kill_at"), at, min);
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO kill_history (group_key, last_kill_at) VALUES (?, ?)")) {
            insert.setString(1, group.toString());
            Sql.setInstant(insert, 2, at);
            insert.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new TerminationClaimRefused(RefusalReason.MIN_TIME_BETWEEN_KILLS, "group " + group
                        + " was claimed for a kill by another run at the same moment; guardrails.minTimeBetweenKills is "
                        + Durations.format(min));
            }
            throw e;
        }
    }

    private static TerminationClaimRefused refusedBecauseKilledAt(GroupRef group, Instant last, Instant now, Duration min) {
        Duration since = Duration.between(last, now);
        return new TerminationClaimRefused(RefusalReason.MIN_TIME_BETWEEN_KILLS, "group " + group + " was last killed at " + last
                + ", " + Durations.format(since.isNegative() ? Duration.ZERO : since) + " ago (seen when recording the intent); "
                + "guardrails.minTimeBetweenKills is " + Durations.format(min));
    }

    /**
     * Extends this node's lease on {@code runIds} to {@code now + lease}; returns the ids it no longer owns (another
     * node took them over, or they ended).
     */
    /**
     * Asks for an unfinished run to be aborted by whichever node drives it; false when the run has already ended (or
     * does not exist).
     */
    public boolean requestAbort(String runId, String reason, String requestedBy, Instant now) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE runs SET abort_requested_at = ?, abort_requested_by = ?, "
                    + "abort_reason = ? WHERE id = ? AND state IN ('PENDING', 'RUNNING', 'VERIFYING')")) {
                Sql.setInstant(update, 1, now);
                update.setString(2, requestedBy);
                update.setString(3, reason);
                update.setString(4, runId);
                return update.executeUpdate() == 1;
            }
        });
    }

    /** Of {@code runIds}, those with an abort request: run id to the request's reason (or who asked). */
    public Map<String, String> abortRequests(java.util.Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        return database.inTransaction(c -> {
            String marks = String.join(", ", java.util.Collections.nCopies(runIds.size(), "?"));
            try (PreparedStatement select = c.prepareStatement("SELECT id, abort_reason, abort_requested_by FROM runs WHERE id IN ("
                    + marks + ") AND abort_requested_at IS NOT NULL")) {
                int i = 1;
                for (String id : runIds) {
                    select.setString(i++, id);
                }
                Map<String, String> requests = new LinkedHashMap<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        String reason = rs.getString("abort_reason");
                        requests.put(rs.getString("id"), reason != null ? reason : "aborted by " + rs.getString("abort_requested_by"));
                    }
                }
                return requests;
            }
        });
    }

    public List<String> renewLeases(java.util.Collection<String> runIds, Instant now) {
        return database.inTransaction(c -> {
            List<String> lost = new ArrayList<>();
            try (PreparedStatement update = c.prepareStatement("UPDATE runs SET lease_expires_at = ? WHERE id = ? AND owner_node = ? "
                    + "AND state IN " + UNFINISHED)) {
                for (String id : runIds) {
                    Sql.setInstant(update, 1, now.plus(lease));
                    update.setString(2, id);
                    update.setString(3, nodeId);
                    if (update.executeUpdate() != 1) {
                        lost.add(id);
                    }
                }
            }
            return lost;
        });
    }

    /** Which unfinished runs count as abandoned. */
    public enum Abandoned {
        /** Every unfinished run: a single-process database at start, when no other process can be driving one. */
        EVERY_UNFINISHED,
        /** Expired leases, and runs this node id owned before it restarted: a node of several, at its start. */
        EXPIRED_OR_MINE,
        /** Expired leases only: the periodic takeover while this node drives runs of its own. */
        EXPIRED
    }

    /** Unfinished runs that no node holds any more, as {@code which} defines it. */
    public List<StoredRun> abandoned(Instant now, Abandoned which) {
        return database.inTransaction(c -> {
            String sql = "SELECT * FROM runs WHERE state IN " + UNFINISHED + abandonedCondition(which) + " ORDER BY created_at, id";
            try (PreparedStatement select = c.prepareStatement(sql)) {
                bindAbandoned(select, 1, now, which);
                List<StoredRun> runs = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        runs.add(read(rs));
                    }
                }
                return runs;
            }
        });
    }

    /**
     * Takes over and closes {@code runId} if it is still unfinished and abandoned as {@code which} defines it — all in
     * one transaction that locks the run's row, so that of several nodes
     * only one closes it. Returns false when the run was not (or no longer) abandoned.
     */
    public boolean closeIfAbandoned(String runId, Instant now, Abandoned which, Map<OpenIntent, Reconciliation> reconciled,
            java.util.function.Function<List<ReconciledIntent>, String> reason) {
        return database.inTransaction(c -> {
            String sql = "SELECT id FROM runs WHERE id = ? AND state IN " + UNFINISHED + abandonedCondition(which)
                    + " FOR UPDATE" + (database.isPostgres() ? " SKIP LOCKED" : "");
            try (PreparedStatement lock = c.prepareStatement(sql)) {
                lock.setString(1, runId);
                bindAbandoned(lock, 2, now, which);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            closeAbandoned(c, runId, now, reconciled, reason);
            try (PreparedStatement owner = c.prepareStatement("UPDATE runs SET owner_node = ?, lease_expires_at = NULL WHERE id = ?")) {
                owner.setString(1, nodeId);
                owner.setString(2, runId);
                owner.executeUpdate();
            }
            return true;
        });
    }

    private static String abandonedCondition(Abandoned which) {
        return switch (which) {
            case EVERY_UNFINISHED -> "";
            case EXPIRED_OR_MINE -> " AND (lease_expires_at IS NULL OR lease_expires_at < ? OR owner_node = ?)";
            case EXPIRED -> " AND (lease_expires_at IS NULL OR lease_expires_at < ?)";
        };
    }

    private void bindAbandoned(PreparedStatement statement, int first, Instant now, Abandoned which) throws SQLException {
        if (which != Abandoned.EVERY_UNFINISHED) {
            Sql.setInstant(statement, first, now);
        }
        if (which == Abandoned.EXPIRED_OR_MINE) {
            statement.setString(first + 1, nodeId);
        }
    }

    /** Saves the run's current view (final once its state is terminal). */
    public void saveView(RunView view) {
        String body = write(view);
        database.inTransaction(c -> {
            // A node that lost the run to a takeover must not overwrite the closure the other node recorded.
            try (PreparedStatement update = c.prepareStatement("UPDATE runs SET state = ?, result_json = ?, updated_at = ? WHERE id = ? "
                    + "AND (owner_node = ? OR owner_node IS NULL)")) {
                update.setString(1, view.state());
                update.setString(2, body);
                Sql.setInstant(update, 3, view.finishedAt() != null ? view.finishedAt() : view.createdAt());
                update.setString(4, view.id());
                update.setString(5, nodeId);
                return update.executeUpdate();
            }
        });
    }

    public Optional<StoredRun> find(String runId) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM runs WHERE id = ?")) {
                select.setString(1, runId);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Newest first: runs created before the cursor position (created_at, id) when one is given. */
    public List<StoredRun> list(String state, Instant since, Instant beforeCreatedAt, String beforeId, int limit) {
        return database.inTransaction(c -> {
            StringBuilder sql = new StringBuilder("SELECT * FROM runs WHERE 1 = 1");
            List<Object> args = new ArrayList<>();
            if (state != null) {
                sql.append(" AND state = ?");
                args.add(state);
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
                List<StoredRun> runs = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        runs.add(read(rs));
                    }
                }
                return runs;
            }
        });
    }

    /** Events with a sequence number above {@code afterSeq}, in order. */
    public List<RunEvent> events(String runId, long afterSeq) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq")) {
                select.setString(1, runId);
                select.setLong(2, afterSeq);
                List<RunEvent> events = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        events.add(new RunEvent(runId, rs.getLong("seq"), Sql.instant(rs, "occurred_at"),
                                RunEventType.valueOf(rs.getString("type")), read(rs.getString("data_json"))));
                    }
                }
                return events;
            }
        });
    }

    /** Runs that were not in a terminal state: after a crash, the ones no process is driving any more. */
    public List<StoredRun> unfinished() {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT * FROM runs WHERE state IN ('PENDING', 'RUNNING', 'VERIFYING') ORDER BY created_at, id");
                 ResultSet rs = select.executeQuery()) {
                List<StoredRun> runs = new ArrayList<>();
                while (rs.next()) {
                    runs.add(read(rs));
                }
                return runs;
            }
        });
    }

    /** A termination intent that never got an outcome. */
    public record OpenIntent(GroupRef group, String instanceId, long seq, Instant intendedAt) {
    }

    /** An open intent with what its provider said of it when the run was closed. */
    public record ReconciledIntent(OpenIntent intent, Reconciliation reconciliation) {
    }

    /** Termination intents of a run that never got an outcome, in intent order. */
    public List<OpenIntent> openIntents(String runId) {
        return database.inTransaction(c -> openIntents(c, runId, "'INTENDED'"));
    }

    private static List<OpenIntent> openIntents(Connection c, String runId, String states) throws SQLException {
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

    /**
     * Closes a run that no process drives any more: each open intent takes the outcome its provider reported
     * ({@code reconciled}; an intent without one is UNKNOWN), with a {@code TERMINATION_RECONCILED} event and an audit
     * entry; a RUN_FAILED event names what happened, and the state becomes FAILED. Nothing is ever terminated again. An
     * UNKNOWN termination stays in flight (its group busy) until {@link #reconcileLater} settles it.
     */
    private void closeAbandoned(Connection c, String runId, Instant now, Map<OpenIntent, Reconciliation> reconciled,
            java.util.function.Function<List<ReconciledIntent>, String> reason) throws SQLException {
        long nextSeq = nextSeq(c, runId);
        List<ReconciledIntent> results = new ArrayList<>();
        for (OpenIntent intent : openIntents(c, runId, "'INTENDED'")) {
            Reconciliation r = reconciled.getOrDefault(intent, new Reconciliation(Reconciliation.UNKNOWN,
                    "not checked with its provider yet"));
            results.add(new ReconciledIntent(intent, r));
            applyReconciliation(c, runId, intent, r, now, nextSeq++);
        }
        keep(c, new RunEvent(runId, nextSeq, now, new RunStep.RunFailed(reason.apply(results))));
    }

    /**
     * Asks again about terminations a crash left UNKNOWN: {@code check} is the provider lookup. Each answer is applied
     * in its own transaction that re-reads the row, so of several nodes asking, one records it. Returns how many were
     * settled.
     */
    public int reconcileLater(java.util.function.Function<OpenIntent, Reconciliation> check, Instant now) {
        List<String> runs = database.inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT run_id FROM terminations WHERE state = 'UNKNOWN'");
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
        int settled = 0;
        for (String runId : runs) {
            for (OpenIntent intent : database.inTransaction(c -> openIntents(c, runId, "'UNKNOWN'"))) {
                Reconciliation r = check.apply(intent);
                if (!r.known()) {
                    continue;
                }
                boolean done = database.inTransaction(c -> {
                    try (PreparedStatement lock = c.prepareStatement(
                            "SELECT state FROM terminations WHERE run_id = ? AND seq = ? FOR UPDATE")) {
                        lock.setString(1, runId);
                        lock.setLong(2, intent.seq());
                        try (ResultSet rs = lock.executeQuery()) {
                            if (!rs.next() || !"UNKNOWN".equals(rs.getString(1))) {
                                return false;   // settled meanwhile
                            }
                        }
                    }
                    applyReconciliation(c, runId, intent, r, now, nextSeq(c, runId));
                    return true;
                });
                settled += done ? 1 : 0;
            }
        }
        return settled;
    }

    private static long nextSeq(Connection c, String runId) throws SQLException {
        try (PreparedStatement max = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM run_events WHERE run_id = ?")) {
            max.setString(1, runId);
            try (ResultSet rs = max.executeQuery()) {
                rs.next();
                return rs.getLong(1) + 1;
            }
        }
    }

    /** Records what the provider said of one termination: its row, a TERMINATION_RECONCILED event, an audit entry. */
    private void applyReconciliation(Connection c, String runId, OpenIntent intent, Reconciliation r, Instant now, long seq)
            throws SQLException {
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
            update.setLong(8, intent.seq());
            update.executeUpdate();
        }
        RunEvent event = new RunEvent(runId, seq, now, new RunStep.TerminationReconciled(intent.group(), intent.instanceId(),
                r.outcome(), r.detail()));
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO run_events (run_id, seq, occurred_at, type, data_json) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, runId);
            insert.setLong(2, seq);
            Sql.setInstant(insert, 3, now);
            insert.setString(4, event.type().name());
            insert.setString(5, write(event.fields()));
            insert.executeUpdate();
        }
        audit(c, event, intent.group(), intent.instanceId(), r.outcome().toLowerCase(java.util.Locale.ROOT) + " (reconciled)",
                r.detail());
    }

    /** The run's terminations as its rows say, for a run without a saved view (driven elsewhere, or closed after a crash). */
    public List<RunView.TerminationView> terminations(String runId) {
        return database.inTransaction(c -> {
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
        });
    }

    @Override
    public Optional<Instant> lastKill(GroupRef group) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT last_kill_at FROM kill_history WHERE group_key = ?")) {
                select.setString(1, group.toString());
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(Sql.instant(rs, "last_kill_at")) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void recordKill(GroupRef group, Instant at) {
        database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE kill_history SET last_kill_at = ? WHERE group_key = ? AND last_kill_at < ?")) {
                Sql.setInstant(update, 1, at);
                update.setString(2, group.toString());
                Sql.setInstant(update, 3, at);
                if (update.executeUpdate() == 1) {
                    return null;
                }
            }
            try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM kill_history WHERE group_key = ?")) {
                exists.setString(1, group.toString());
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return null;
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO kill_history (group_key, last_kill_at) VALUES (?, ?)")) {
                insert.setString(1, group.toString());
                Sql.setInstant(insert, 2, at);
                insert.executeUpdate();
            }
            return null;
        });
    }

    private StoredRun read(ResultSet rs) throws SQLException {
        return new StoredRun(rs.getString("id"), rs.getString("name"), rs.getString("state"), rs.getLong("seed"),
                rs.getBoolean("dry_run"), rs.getString("created_by"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                rs.getString("spec_json"), rs.getString("result_json"));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private Map<String, String> read(String fields) {
        try {
            return json.readValue(fields, FIELDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event fields are not JSON: " + fields, e);
        }
    }

}
