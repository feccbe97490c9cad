package dev.macaque.experiments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.engine.GroupRecovery;
import dev.macaque.engine.RecoveryStatus;
import dev.macaque.engine.RefusalReason;
import dev.macaque.engine.RunState;
import dev.macaque.engine.RunVerdict;
import dev.macaque.engine.TerminationStatus;
import dev.macaque.engine.Verdict;
import dev.macaque.engine.Refusal;
import dev.macaque.engine.RunResult;
import dev.macaque.engine.TerminationRecord;
import dev.macaque.engine.Victim;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment run as the API shows it ({@code GET /api/v1/experiments/{id}}) and as it is kept in the database.
 *
 * @param leashed    true when the server forced this run to a dry run because it may reach a leashed cloud provider
 * @param prediction for a run started with {@code "predict": true}: its prediction beside what it did (never saved with
 *                   the view: compared each time it is read); else absent
 * @param verdict       what the finished run means ({@link Verdict}; only PASSED is good news); null while it goes on
 * @param verdictReason the verdict's one-line explanation; null while the run goes on
 */
public record RunView(String id, String name, String state, @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = JsonSafeSeed.class) long seed, boolean dryRun, boolean leashed, Instant createdAt,
        Instant finishedAt, String failureReason, JsonNode spec, List<VictimView> victims, List<TerminationView> terminations,
        List<RefusalView> refusals, List<RecoveryView> recoveries, int eventCount, TemplateRef template,
        List<PreviewView.ExcludedView> excluded, Double timeToSteadySeconds,
        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        PredictedVsActual prediction, Verdict verdict, String verdictReason) {

    /**
     * The verdict is never taken from the caller (or from a saved view): it is decided again from the fields it
     * summarises, by {@link RunVerdict#decide}, so it cannot disagree with them. Null (both) while the run goes on.
     */
    public RunView {
        RunVerdict decided = RunVerdict.decide(outcome(state, dryRun, failureReason, victims, terminations, refusals, recoveries));
        verdict = decided == null ? null : decided.verdict();
        verdictReason = decided == null ? null : decided.reason();
    }

    public RunView(String id, String name, String state, long seed, boolean dryRun, boolean leashed, Instant createdAt,
            Instant finishedAt, String failureReason, JsonNode spec, List<VictimView> victims, List<TerminationView> terminations,
            List<RefusalView> refusals, List<RecoveryView> recoveries, int eventCount, TemplateRef template,
            List<PreviewView.ExcludedView> excluded, Double timeToSteadySeconds, PredictedVsActual prediction) {
        this(id, name, state, seed, dryRun, leashed, createdAt, finishedAt, failureReason, spec, victims, terminations, refusals,
                recoveries, eventCount, template, excluded, timeToSteadySeconds, prediction, null, null);
    }

    /** What the verdict is decided from, read back from the view's own (string) fields. */
    private static RunVerdict.Outcome outcome(String state, boolean dryRun, String failureReason, List<VictimView> victims,
            List<TerminationView> terminations, List<RefusalView> refusals, List<RecoveryView> recoveries) {
        Map<String, RecoveryStatus> byGroup = new LinkedHashMap<>();
        for (RecoveryView r : recoveries == null ? List.<RecoveryView>of() : recoveries) {
            byGroup.put(r.group(), enumOr(RecoveryStatus.class, r.status(), RecoveryStatus.PENDING));
        }
        return new RunVerdict.Outcome(enumOr(RunState.class, state, RunState.RUNNING), dryRun, failureReason,
                victims == null ? 0 : victims.size(),
                terminations == null ? List.of() : terminations.stream()
                        // a stored outcome that names no status (e.g. still PENDING) is not a termination done
                        .map(t -> enumOr(TerminationStatus.class, t.status(), TerminationStatus.IN_PROGRESS)).toList(),
                refusals == null ? List.of() : refusals.stream()
                        .map(r -> enumOr(RefusalReason.class, r.reason(), RefusalReason.GROUP_UNREADABLE)).toList(),
                byGroup);
    }

    private static <E extends Enum<E>> E enumOr(Class<E> type, String name, E fallback) {
        try {
            return name == null ? fallback : Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }

    /** The template (name and version) a run was started from. */
    public record TemplateRef(String name, int version) {
    }

    /** The same view with where it came from: its template, and the groups excluded when none was eligible. */
    RunView withOrigin(TemplateRef origin, List<PreviewView.ExcludedView> exclusions) {
        return new RunView(id, name, state, seed, dryRun, leashed, createdAt, finishedAt, failureReason, spec, victims, terminations,
                refusals, recoveries, eventCount, origin, exclusions, timeToSteadySeconds, prediction);
    }

    /** The same view with its prediction compared to what it shows. */
    RunView withPrediction(PredictionView predicted) {
        return new RunView(id, name, state, seed, dryRun, leashed, createdAt, finishedAt, failureReason, spec, victims, terminations,
                refusals, recoveries, eventCount, template, excluded, timeToSteadySeconds, PredictedVsActual.of(predicted, this));
    }

    public record VictimView(String group, String instanceId) {
        static VictimView of(Victim v) {
            return new VictimView(v.group().toString(), v.instanceId());
        }
    }

    /** @param intentAt when the intent was committed, before the provider was called; {@code status} is the outcome */
    public record TerminationView(String group, String instanceId, boolean dryRun, String status, int attempts,
            Instant intentAt, Instant finishedAt, String detail, String errorKind, String errorMessage) {
        static TerminationView of(TerminationRecord t) {
            return new TerminationView(t.group().toString(), t.instanceId(), t.dryRun(), t.status().name(), t.attempts(),
                    t.intentAt(), t.finishedAt(), t.detail(), t.errorKind(), t.errorMessage());
        }
    }

    public record RefusalView(String group, String instanceId, String reason, String message, Instant at) {
        static RefusalView of(Refusal r) {
            return new RefusalView(r.group().toString(), r.instanceId(), r.reason().name(), r.message(), r.at());
        }
    }

    /** @param timeToRecoverSeconds from the first kill until the group was seen back, when it recovered */
    public record RecoveryView(String group, String status, int preKillHealthy, int lastHealthy, Instant firstKillAt,
            Double timeToRecoverSeconds, String detail) {
        static RecoveryView of(GroupRecovery r) {
            return new RecoveryView(r.group().toString(), r.status().name(), r.preKillHealthy(), r.lastHealthy(), r.firstKillAt(),
                    r.timeToRecover() == null ? null : r.timeToRecover().toMillis() / 1000.0, r.detail());
        }
    }

    static RunView of(RunResult result, JsonNode spec, boolean leashed) {
        return new RunView(result.runId(), result.experiment(), result.state().name(), result.seed(), result.dryRun(), leashed,
                result.createdAt(), result.finishedAt(), result.failureReason(), spec,
                result.victims().stream().map(VictimView::of).toList(),
                result.terminations().stream().map(TerminationView::of).toList(),
                result.refusals().stream().map(RefusalView::of).toList(),
                result.recoveries().stream().map(RecoveryView::of).toList(),
                result.events().size(), null, null,
                result.timeToSteady() == null ? null : result.timeToSteady().toMillis() / 1000.0, null);
    }
}
