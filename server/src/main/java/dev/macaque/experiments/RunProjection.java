package dev.macaque.experiments;

import dev.macaque.audit.AuditLog;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunStep;
import dev.macaque.spi.GroupRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Keeps a run event: appends it to the journal and applies it to the rows it changes (the run's state, its
 * terminations, the kill history, the audit log), inside the caller's transaction.
 */
final class RunProjection {
    private final EventJournal journal;
    private final RunLeases leases;

    RunProjection(EventJournal journal, RunLeases leases) {
        this.journal = Objects.requireNonNull(journal, "journal is null");
        this.leases = Objects.requireNonNull(leases, "leases is null");
    }

    void keep(Connection c, RunEvent event) throws SQLException {
        journal.append(c, event);
        RunStep step = event.step();
        String state = RunStates.entered(step);
        if (state != null) {
            RunRows.setState(c, event.runId(), state, event.time());
            if (RunStates.isTerminal(state)) {
                TerminationRows.settleRun(c, event.runId(), event.time());
            }
        } else if (step instanceof RunStep.TerminationIntent intent) {
            keepIntent(c, event, intent);
            audit(c, event, intent.group(), intent.instance(), "intended", (intent.dryRun() ? "dry run; " : "")
                    + "intent committed before the provider is called (idempotency key " + intent.idempotencyKey() + ")");
        } else if (step instanceof RunStep.TerminationOutcome outcome) {
            TerminationRows.finish(c, event, outcome.group(), outcome.instance(), "DONE", outcome.outcome().name(), null, null,
                    !outcome.outcome().killed());
            audit(c, event, outcome.group(), outcome.instance(), outcome.outcome().name().toLowerCase(Locale.ROOT),
                    outcome.detail());
        } else if (step instanceof RunStep.TerminationFailed failed) {
            TerminationRows.finish(c, event, failed.group(), failed.instance(), "FAILED", "FAILED", failed.errorKind(),
                    failed.errorMessage(), true);
            audit(c, event, failed.group(), failed.instance(), "failed", failed.errorKind() + ": " + failed.errorMessage());
        } else if (step instanceof RunStep.TerminationAbandoned abandoned) {
            String why = abandoned.reason().isEmpty() ? "the run was aborted while waiting to retry" : abandoned.reason();
            TerminationRows.finish(c, event, abandoned.group(), abandoned.instance(), "ABANDONED", "ABANDONED", null, why, true);
            audit(c, event, abandoned.group(), abandoned.instance(), "abandoned", why);
        } else if (step instanceof RunStep.GroupRecovered recovered) {
            TerminationRows.settleGroup(c, event.runId(), recovered.group(), event.time());
        } else if (step instanceof RunStep.GroupNotRecovered notRecovered) {
            TerminationRows.settleGroup(c, event.runId(), notRecovered.group(), event.time());
        }
    }

    private void keepIntent(Connection c, RunEvent event, RunStep.TerminationIntent intent) throws SQLException {
        // Fencing: only the node that owns the run may commit an intent. A node whose lease expired and whose run
        // another node closed meanwhile fails here, before the provider is called.
        if (!leases.renew(c, event.runId(), event.time())) {
            throw new IllegalStateException("run " + event.runId() + " is no longer driven by node " + leases.nodeId()
                    + " (its lease expired and another node closed it); termination of " + intent.instance() + " not started");
        }
        Duration min = intent.minTimeBetweenKills();
        if (!intent.dryRun() && !min.isZero()) {
            KillClaims.claim(c, intent.group(), event.time(), min);
        }
        TerminationRows.insertIntent(c, event, intent);
    }

    /** The audit entries of a termination: one for its intent, one for its outcome, each in its own event's transaction. */
    static void audit(Connection c, RunEvent event, GroupRef group, String instance, String outcome, String detail)
            throws SQLException {
        AuditLog.insert(c, event.time(), "engine", null, "instance.terminate", group + "/" + instance, "run " + event.runId(),
                outcome, detail);
    }
}
