package dev.macaque.reports;

import dev.macaque.audit.AuditEntry;
import dev.macaque.experiments.RunView;
import java.time.Instant;
import java.util.List;

/**
 * What a run's printable report ({@code GET /api/v1/experiments/{id}/report.html}) shows: the run as its API view has
 * it, with who started it, what became of each victim, the probes' timelines and the run's audit entries.
 *
 * @param createdBy    the principal (or schedule) that started the run
 * @param mode         {@code real}, {@code dry run}, or {@code dry run (leashed)}
 * @param spec         the spec as stored (secrets shown as {@code ***}), pretty-printed
 * @param victims      each selected victim and what became of it
 * @param probes       each steady-state probe's evaluations, in time order
 * @param audit        the run's audit entries, oldest first (at most {@link RunReports#AUDIT_ENTRIES})
 * @param generatedAt  when this report was made
 */
public record RunReport(RunView run, String createdBy, String mode, String spec, List<VictimFate> victims, List<ProbeTimeline> probes,
        List<AuditEntry> audit, boolean auditTruncated, Instant generatedAt) {

    /**
     * A victim and its fate.
     *
     * @param fate   the termination's status ({@code TERMINATED}, {@code WOULD_TERMINATE}, {@code FAILED}, ...),
     *               {@code REFUSED} when a guardrail refused it, or {@code NOT_ATTEMPTED} when the run ended first
     * @param detail the provider's detail, the error, or the refusal's reason and numbers
     */
    public record VictimFate(String group, String instanceId, String fate, Instant at, String detail) {
    }

    public record ProbeTimeline(String probe, List<ProbePoint> points) {
        public long failures() {
            return points.stream().filter(p -> !p.passed()).count();
        }
    }

    public record ProbePoint(Instant at, String phase, boolean passed, String observed, String detail, int consecutiveFailures) {
    }
}
