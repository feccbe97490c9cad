package dev.macaque.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunStep;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunView;
import dev.macaque.experiments.StoredRun;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Builds a run's {@link RunReport} from the same services the run's API view and page read. */
public final class RunReports {
    /** Audit entries a report shows at most; it says when there were more. */
    public static final int AUDIT_ENTRIES = 2000;

    private final ExperimentService experiments;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;

    public RunReports(ExperimentService experiments, AuditLog audit, ObjectMapper json, Clock clock) {
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** The run's report; empty when there is no such run. */
    public Optional<RunReport> of(String runId) {
        Optional<RunView> found = experiments.view(runId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        RunView run = found.get();
        String createdBy = experiments.store().find(runId).map(StoredRun::createdBy).orElse(null);
        String mode = !run.dryRun() ? "real" : run.leashed() ? "dry run (leashed)" : "dry run";
        List<AuditEntry> entries = audit.ofRun(runId, AUDIT_ENTRIES + 1);
        boolean truncated = entries.size() > AUDIT_ENTRIES;
        return Optional.of(new RunReport(run, createdBy, mode, pretty(run), victims(run), probes(experiments.store().events(runId, 0)),
                truncated ? entries.subList(0, AUDIT_ENTRIES) : entries, truncated, clock.instant()));
    }

    /** Each victim with its termination, else its refusal, else {@code NOT_ATTEMPTED}. */
    static List<RunReport.VictimFate> victims(RunView run) {
        List<RunReport.VictimFate> fates = new ArrayList<>();
        for (RunView.VictimView v : run.victims()) {
            Optional<RunView.TerminationView> termination = run.terminations().stream()
                    .filter(t -> t.group().equals(v.group()) && t.instanceId().equals(v.instanceId())).reduce((a, b) -> b);
            Optional<RunView.RefusalView> refusal = run.refusals().stream()
                    .filter(r -> r.group().equals(v.group()) && v.instanceId().equals(r.instanceId())).reduce((a, b) -> b);
            if (termination.isPresent()) {
                RunView.TerminationView t = termination.get();
                String detail = t.errorMessage() != null ? t.errorKind() + ": " + t.errorMessage() : t.detail();
                fates.add(new RunReport.VictimFate(v.group(), v.instanceId(), t.status(), t.finishedAt() != null ? t.finishedAt() : t.intentAt(),
                        detail));
            } else if (refusal.isPresent()) {
                RunView.RefusalView r = refusal.get();
                fates.add(new RunReport.VictimFate(v.group(), v.instanceId(), "REFUSED", r.at(), r.reason() + ": " + r.message()));
            } else {
                fates.add(new RunReport.VictimFate(v.group(), v.instanceId(), "NOT_ATTEMPTED", null,
                        "the run ended (" + run.state() + ") before it got to this victim"));
            }
        }
        return fates;
    }

    static List<RunReport.ProbeTimeline> probes(List<RunEvent> events) {
        Map<String, List<RunReport.ProbePoint>> byProbe = new LinkedHashMap<>();
        for (RunEvent event : events) {
            if (event.step() instanceof RunStep.ProbeEvaluated p) {
                byProbe.computeIfAbsent(p.probe(), k -> new ArrayList<>()).add(new RunReport.ProbePoint(event.time(), p.phase().name(),
                        p.passed(), p.observed(), p.detail(), p.consecutiveFailures()));
            }
        }
        return byProbe.entrySet().stream().map(e -> new RunReport.ProbeTimeline(e.getKey(), List.copyOf(e.getValue()))).toList();
    }

    private String pretty(RunView run) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(run.spec());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print the spec of run " + run.id(), e);
        }
    }
}
