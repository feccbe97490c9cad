package dev.macaque.experiments;

import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunStep;
import dev.macaque.experiments.RunStore.Abandoned;
import dev.macaque.experiments.RunStore.OpenIntent;
import dev.macaque.experiments.RunStore.ReconciledIntent;
import dev.macaque.experiments.TerminationReconciler.Reconciliation;
import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Closing runs that no node drives any more, and settling later what their providers could not say at the time: each
 * open intent takes the outcome its provider reported, and nothing is ever terminated again.
 */
final class Takeover {
    private final Database database;
    private final EventJournal journal;
    private final RunProjection projection;
    private final RunLeases leases;

    Takeover(Database database, EventJournal journal, RunProjection projection, RunLeases leases) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.journal = Objects.requireNonNull(journal, "journal is null");
        this.projection = Objects.requireNonNull(projection, "projection is null");
        this.leases = Objects.requireNonNull(leases, "leases is null");
    }

    List<StoredRun> abandoned(Connection c, Instant now, Abandoned which) throws SQLException {
        return RunRows.unfinished(c, condition(which), (statement, first) -> bind(statement, first, now, which));
    }

    /** In the caller's transaction: locks the run's row if it is still abandoned, closes it and takes it over. */
    boolean closeIfAbandoned(Connection c, String runId, Instant now, Abandoned which, Map<OpenIntent, Reconciliation> reconciled,
            Function<List<ReconciledIntent>, String> reason) throws SQLException {
        String sql = "SELECT id FROM runs WHERE id = ? AND state IN " + RunStates.UNFINISHED + condition(which)
                + " FOR UPDATE" + (database.isPostgres() ? " SKIP LOCKED" : "");
        try (PreparedStatement lock = c.prepareStatement(sql)) {
            lock.setString(1, runId);
            bind(lock, 2, now, which);
            try (ResultSet rs = lock.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
            }
        }
        close(c, runId, now, reconciled, reason);
        leases.takeOver(c, runId);
        return true;
    }

    /**
     * Closes a run that no process drives any more: each open intent takes the outcome its provider reported
     * ({@code reconciled}; an intent without one is UNKNOWN), with a {@code TERMINATION_RECONCILED} event and an audit
     * entry; a RUN_FAILED event names what happened, and the state becomes FAILED. An UNKNOWN termination stays in
     * flight (its group busy) until {@link #reconcileLater} settles it.
     */
    private void close(Connection c, String runId, Instant now, Map<OpenIntent, Reconciliation> reconciled,
            Function<List<ReconciledIntent>, String> reason) throws SQLException {
        long nextSeq = EventJournal.nextSeq(c, runId);
        List<ReconciledIntent> results = new ArrayList<>();
        for (OpenIntent intent : TerminationRows.open(c, runId, "'INTENDED'")) {
            Reconciliation r = reconciled.getOrDefault(intent, new Reconciliation(Reconciliation.UNKNOWN,
                    "not checked with its provider yet"));
            results.add(new ReconciledIntent(intent, r));
            applyReconciliation(c, runId, intent, r, now, nextSeq++);
        }
        projection.keep(c, new RunEvent(runId, nextSeq, now, new RunStep.RunFailed(reason.apply(results))));
    }

    /**
     * Asks again about terminations a crash left UNKNOWN: {@code check} is the provider lookup. Each answer is applied
     * in its own transaction that re-reads the row, so of several nodes asking, one records it. Returns how many were
     * settled.
     */
    int reconcileLater(Function<OpenIntent, Reconciliation> check, Instant now) {
        List<String> runs = database.inTransaction(TerminationRows::runsWithUnknownOutcomes);
        int settled = 0;
        for (String runId : runs) {
            for (OpenIntent intent : database.inTransaction(c -> TerminationRows.open(c, runId, "'UNKNOWN'"))) {
                Reconciliation r = check.apply(intent);
                if (!r.known()) {
                    continue;
                }
                boolean done = database.inTransaction(c -> {
                    if (!TerminationRows.lockIfUnknown(c, runId, intent.seq())) {
                        return false;   // settled meanwhile
                    }
                    applyReconciliation(c, runId, intent, r, now, EventJournal.nextSeq(c, runId));
                    return true;
                });
                settled += done ? 1 : 0;
            }
        }
        return settled;
    }

    /** Records what the provider said of one termination: its row, a TERMINATION_RECONCILED event, an audit entry. */
    private void applyReconciliation(Connection c, String runId, OpenIntent intent, Reconciliation r, Instant now, long seq)
            throws SQLException {
        TerminationRows.reconcile(c, runId, intent.seq(), r, now);
        RunEvent event = new RunEvent(runId, seq, now, new RunStep.TerminationReconciled(intent.group(), intent.instanceId(),
                r.outcome(), r.detail()));
        journal.append(c, event);
        RunProjection.audit(c, event, intent.group(), intent.instanceId(),
                r.outcome().toLowerCase(Locale.ROOT) + " (reconciled)", r.detail());
    }

    private static String condition(Abandoned which) {
        return switch (which) {
            case EVERY_UNFINISHED -> "";
            case EXPIRED_OR_MINE -> " AND (lease_expires_at IS NULL OR lease_expires_at < ? OR owner_node = ?)";
            case EXPIRED -> " AND (lease_expires_at IS NULL OR lease_expires_at < ?)";
        };
    }

    private void bind(PreparedStatement statement, int first, Instant now, Abandoned which) throws SQLException {
        if (which != Abandoned.EVERY_UNFINISHED) {
            Sql.setInstant(statement, first, now);
        }
        if (which == Abandoned.EXPIRED_OR_MINE) {
            statement.setString(first + 1, leases.nodeId());
        }
    }
}
