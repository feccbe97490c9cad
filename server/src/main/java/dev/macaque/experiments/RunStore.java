package dev.macaque.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetView;
import dev.macaque.engine.GuardrailDecision;
import dev.macaque.engine.IntentGuard;
import dev.macaque.engine.KillHistory;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunRecorder;
import dev.macaque.engine.RunStep;
import dev.macaque.engine.TerminationClaimRefused;
import dev.macaque.experiments.TerminationReconciler.Reconciliation;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs, their events and terminations, idempotency keys and the kill history, in the database.
 *
 * <p>It is the engine's {@link RunRecorder}: each event is committed before {@link #record(RunEvent)} returns, so a
 * termination's intent row exists before the provider is called. It is also the engine's {@link KillHistory}, shared
 * by every run and every node on the same database.
 *
 * <p>This class decides the transactions; the tables are its collaborators' ({@link RunRows}, {@link IdempotencyKeys},
 * {@link EventJournal} with {@link RunProjection}, {@link TerminationRows}, {@link KillClaims}, {@link FleetRecord},
 * {@link RunLeases}, {@link AbortRequests}, {@link Takeover}, {@link RunDocuments}), and which event moves a run into which state is
 * {@link RunStates}'.
 */
public final class RunStore implements RunRecorder, KillHistory {
    private final Database database;
    private final RunLeases leases;
    private final FleetRecord fleet;
    private final EventJournal journal;
    private final RunProjection projection;
    private final Takeover takeover;

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
        this.leases = new RunLeases(nodeId, lease);
        this.fleet = new FleetRecord(budgets);
        this.journal = new EventJournal(json);
        this.projection = new RunProjection(journal, leases);
        this.takeover = new Takeover(database, journal, projection, leases);
    }

    public String nodeId() {
        return leases.nodeId();
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
        return create(runId, name, seed, dryRun, createdBy, now, specJson, idempotencyKey, requestHash, null);
    }

    /** As {@link #create}, keeping {@code predictionJson} (a {@link PredictionView}, or null) with the run in the same transaction. */
    public Creation create(String runId, String name, long seed, boolean dryRun, String createdBy, Instant now, String specJson,
            String idempotencyKey, String requestHash, String predictionJson) {
        return create(runId, name, seed, dryRun, createdBy, now, specJson, idempotencyKey, requestHash, predictionJson, null);
    }

    /** As {@link #create}, also keeping the name of the template the run was started from ({@code templateName}, or null). */
    public Creation create(String runId, String name, long seed, boolean dryRun, String createdBy, Instant now, String specJson,
            String idempotencyKey, String requestHash, String predictionJson, String templateName) {
        return create(runId, name, seed, dryRun, createdBy, now, specJson, idempotencyKey, requestHash, predictionJson, templateName, null);
    }

    /** As {@link #create}, also keeping the preview shown before the start ({@code previewJson}, a {@link PreviewShown}, or null). */
    public Creation create(String runId, String name, long seed, boolean dryRun, String createdBy, Instant now, String specJson,
            String idempotencyKey, String requestHash, String predictionJson, String templateName, String previewJson) {
        return database.inTransaction(c -> {
            if (idempotencyKey != null) {
                Optional<IdempotencyKeys.Claim> claimed = IdempotencyKeys.find(c, idempotencyKey);
                if (claimed.isPresent()) {
                    return claimed.get().requestHash().equals(requestHash) ? new Creation.Replayed(claimed.get().runId())
                            : new Creation.KeyConflict(claimed.get().runId());
                }
            }
            RunRows.insert(c, runId, name, seed, dryRun, createdBy, now, specJson, leases.nodeId(), leases.expiry(now), templateName);
            if (idempotencyKey != null) {
                IdempotencyKeys.claim(c, idempotencyKey, requestHash, runId, now);
            }
            if (predictionJson != null) {
                RunDocuments.PREDICTION.insert(c, runId, now, predictionJson);
            }
            if (previewJson != null) {
                RunDocuments.PREVIEW.insert(c, runId, now, previewJson);
            }
            return new Creation.Created(runId);
        });
    }

    @Override
    public void record(RunEvent event) {
        database.inTransaction(c -> {
            projection.keep(c, event);
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
            FleetRecord.lock(c);
            if (guard.decide(fleet.view(c, intent.group(), event.time())) instanceof GuardrailDecision.Refused refused) {
                throw new TerminationClaimRefused(refused.reason(), refused.message());
            }
            projection.keep(c, event);
            return null;
        });
    }

    /**
     * Decides and keeps a batch of intents (a zone outage's) in ONE transaction holding the fleet lock, all or none:
     * each intent is decided by its guard against the fleet's record as this transaction sees it — with the batch's
     * earlier intents already inserted, so they are in flight and counted in the budgets — and inserted when allowed;
     * one refusal rolls the whole batch back. Another run's intent serialises on the lock before or after the batch,
     * never in between.
     */
    @Override
    public void recordIntents(List<GuardedIntent> intents) {
        if (intents.isEmpty()) {
            return;
        }
        database.inTransaction(c -> {
            FleetRecord.lock(c);
            for (GuardedIntent guarded : intents) {
                RunEvent event = guarded.intent();
                RunStep.TerminationIntent intent = (RunStep.TerminationIntent) event.step();
                if (guarded.guard().decide(fleet.view(c, intent.group(), event.time())) instanceof GuardrailDecision.Refused refused) {
                    throw new TerminationClaimRefused(refused.reason(), refused.message());
                }
                projection.keep(c, event);
            }
            return null;
        });
    }

    /**
     * The fleet's counts and budgets now, for a preview: read without the fleet lock, so advisory (each intent is still
     * decided under the lock).
     */
    public FleetView fleetCounts(Instant now) {
        return database.inTransaction(c -> fleet.counts(c, now));
    }

    @Override
    public Set<GroupRef> busyGroups(String runId) {
        return database.inTransaction(c -> TerminationRows.groupsWithKillsInFlight(c, runId));
    }

    /**
     * Asks for an unfinished run to be aborted by whichever node drives it; false when the run has already ended (or
     * does not exist).
     */
    public boolean requestAbort(String runId, String reason, String requestedBy, Instant now) {
        return database.inTransaction(c -> AbortRequests.request(c, runId, reason, requestedBy, now));
    }

    /** Of {@code runIds}, those with an abort request: run id to the request's reason (or who asked). */
    public Map<String, String> abortRequests(Collection<String> runIds) {
        if (runIds.isEmpty()) {
            return Map.of();
        }
        return database.inTransaction(c -> AbortRequests.of(c, runIds));
    }

    /**
     * Extends this node's lease on {@code runIds} to {@code now + lease}; returns the ids it no longer owns (another
     * node took them over, or they ended).
     */
    public List<String> renewLeases(Collection<String> runIds, Instant now) {
        return database.inTransaction(c -> leases.renewAll(c, runIds, now));
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
        return database.inTransaction(c -> takeover.abandoned(c, now, which));
    }

    /**
     * Takes over and closes {@code runId} if it is still unfinished and abandoned as {@code which} defines it — all in
     * one transaction that locks the run's row, so that of several nodes only one closes it. Returns false when the
     * run was not (or no longer) abandoned.
     */
    public boolean closeIfAbandoned(String runId, Instant now, Abandoned which, Map<OpenIntent, Reconciliation> reconciled,
            Function<List<ReconciledIntent>, String> reason) {
        return database.inTransaction(c -> takeover.closeIfAbandoned(c, runId, now, which, reconciled, reason));
    }

    /**
     * Asks again about terminations a crash left UNKNOWN: {@code check} is the provider lookup. Each answer is applied
     * in its own transaction that re-reads the row, so of several nodes asking, one records it. Returns how many were
     * settled.
     */
    public int reconcileLater(Function<OpenIntent, Reconciliation> check, Instant now) {
        return takeover.reconcileLater(check, now);
    }

    /** Saves the run's current view (final once its state is terminal). */
    public void saveView(RunView view) {
        String body = journal.write(view);
        database.inTransaction(c -> {
            RunRows.saveView(c, view, body, leases.nodeId());
            return null;
        });
    }

    public Optional<StoredRun> find(String runId) {
        return database.inTransaction(c -> RunRows.find(c, runId));
    }

    /** The prediction the run was started with (JSON of a {@link PredictionView}), if it was started with one. */
    public Optional<String> prediction(String runId) {
        return database.inTransaction(c -> RunDocuments.PREDICTION.find(c, runId));
    }

    /** The preview shown before the run was started (JSON of a {@link PreviewShown}), if one preceded it. */
    public Optional<String> previewShown(String runId) {
        return database.inTransaction(c -> RunDocuments.PREVIEW.find(c, runId));
    }

    /** Newest first: runs created before the cursor position (created_at, id) when one is given. */
    public List<StoredRun> list(String state, Instant since, Instant beforeCreatedAt, String beforeId, int limit) {
        return list(state, null, since, beforeCreatedAt, beforeId, limit);
    }

    /** As {@link #list(String, Instant, Instant, String, int)}, narrowed to runs started from {@code template} when given. */
    public List<StoredRun> list(String state, String template, Instant since, Instant beforeCreatedAt, String beforeId, int limit) {
        return database.inTransaction(c -> RunRows.list(c, state, template, since, beforeCreatedAt, beforeId, limit));
    }

    /** Events with a sequence number above {@code afterSeq}, in order. */
    public List<RunEvent> events(String runId, long afterSeq) {
        return database.inTransaction(c -> journal.after(c, runId, afterSeq));
    }

    /** Runs that were not in a terminal state: after a crash, the ones no process is driving any more. */
    public List<StoredRun> unfinished() {
        return database.inTransaction(c -> RunRows.unfinished(c, "", RunRows.ParameterBinder.NONE));
    }

    /** A termination intent that never got an outcome. */
    public record OpenIntent(GroupRef group, String instanceId, long seq, Instant intendedAt) {
    }

    /** An open intent with what its provider said of it when the run was closed. */
    public record ReconciledIntent(OpenIntent intent, Reconciliation reconciliation) {
    }

    /** Termination intents of a run that never got an outcome, in intent order. */
    public List<OpenIntent> openIntents(String runId) {
        return database.inTransaction(c -> TerminationRows.open(c, runId, "'INTENDED'"));
    }

    /** The run's terminations as its rows say, for a run without a saved view (driven elsewhere, or closed after a crash). */
    public List<RunView.TerminationView> terminations(String runId) {
        return database.inTransaction(c -> TerminationRows.views(c, runId));
    }

    @Override
    public Optional<Instant> lastKill(GroupRef group) {
        return database.inTransaction(c -> KillClaims.lastKill(c, group));
    }

    @Override
    public void recordKill(GroupRef group, Instant at) {
        database.inTransaction(c -> {
            KillClaims.recordKill(c, group, at);
            return null;
        });
    }
}
