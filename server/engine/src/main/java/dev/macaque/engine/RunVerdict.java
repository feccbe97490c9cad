package dev.macaque.engine;

import dev.macaque.text.Counts;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A finished run's {@link Verdict} and the one line that explains it. Decided in one place, {@link #decide}, from what
 * the run did; the server's views, the CLI, notifications and the simulator all show this, never their own reading.
 *
 * @param verdict the verdict
 * @param reason  one line for people, e.g. {@code all 3 victims were refused (kill switch: 3)}
 */
public record RunVerdict(Verdict verdict, String reason) {
    /** At most this many group names are quoted in a reason; the rest are counted. */
    private static final int GROUPS_NAMED = 3;

    public RunVerdict {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * What a run did, as far as its verdict cares.
     *
     * @param state         the run's state
     * @param dryRun        whether nothing was really terminated (a would-be termination then counts as done)
     * @param failureReason why it failed, was aborted, was not steady or halted; may be null
     * @param selected      victims selected
     * @param terminations  the outcome of every termination attempted
     * @param refusals      the reason of every refused victim
     * @param recoveries    each group's recovery: its id and status
     */
    public record Outcome(RunState state, boolean dryRun, String failureReason, int selected,
                          List<TerminationStatus> terminations, List<RefusalReason> refusals,
                          Map<String, RecoveryStatus> recoveries) {
        public Outcome {
            Objects.requireNonNull(state, "state");
            terminations = List.copyOf(terminations);
            refusals = List.copyOf(refusals);
            recoveries = Map.copyOf(recoveries);
        }
    }

    /** The verdict of {@code result}, or null while it has not ended. */
    public static RunVerdict of(RunResult result) {
        return decide(new Outcome(result.state(), result.dryRun(), result.failureReason(), result.victims().size(),
                result.terminations().stream().map(TerminationRecord::status).toList(),
                result.refusals().stream().map(Refusal::reason).toList(),
                result.recoveries().stream().collect(Collectors.toMap(r -> r.group().toString(), GroupRecovery::status,
                        (a, b) -> b, java.util.LinkedHashMap::new))));
    }

    /** The verdict of a run that did {@code run}; null while the run has not ended. */
    public static RunVerdict decide(Outcome run) {
        if (!run.state().isTerminal()) {
            return null;
        }
        long done = run.terminations().stream().filter(s -> s.killed() || (run.dryRun() && s == TerminationStatus.WOULD_TERMINATE)).count();
        String doneText = done + " " + (run.dryRun() ? "would have been terminated" : "terminated");
        return switch (run.state()) {
            case FAILED -> new RunVerdict(Verdict.FAILED, "the run failed" + because(run.failureReason()));
            case ABORTED -> new RunVerdict(Verdict.ABORTED, "aborted after " + Counts.of(done, "termination")
                    + because(run.failureReason()));
            case NOT_STEADY -> new RunVerdict(Verdict.FINDING, "not steady before the first kill, nothing was terminated"
                    + because(run.failureReason()));
            case HALTED -> new RunVerdict(Verdict.FINDING, "halted by a failing probe after " + Counts.of(done, "termination")
                    + because(run.failureReason()));
            default -> completed(run, done, doneText);
        };
    }

    private static RunVerdict completed(Outcome run, long done, String doneText) {
        List<String> notRecovered = run.recoveries().entrySet().stream()
                .filter(e -> e.getValue() == RecoveryStatus.NOT_RECOVERED).map(Map.Entry::getKey).sorted().toList();
        if (!notRecovered.isEmpty()) {
            return new RunVerdict(Verdict.FINDING, Counts.of(notRecovered.size(), "group") + " of " + run.recoveries().size()
                    + " did not recover: " + named(notRecovered));
        }
        if (run.selected() == 0) {
            return new RunVerdict(Verdict.NOTHING_KILLED, "no victim was selected");
        }
        long failed = run.terminations().size() - done;
        String notDone = notDone(run.refusals(), failed);
        if (done == 0) {
            if (failed == 0 && run.refusals().size() == run.selected()) {
                return new RunVerdict(Verdict.NOTHING_KILLED, (run.selected() == 1 ? "the only victim was" : "all "
                        + Counts.of(run.selected(), "victim") + " were") + " refused " + byReason(run.refusals()));
            }
            return new RunVerdict(Verdict.NOTHING_KILLED, "none of " + Counts.of(run.selected(), "victim") + " "
                    + (run.dryRun() ? "would have been terminated" : "was terminated") + ": " + notDone);
        }
        String recovered = run.dryRun() ? "" : ", " + Counts.of(run.recoveries().size(), "group") + " recovered";
        if (done < run.selected()) {
            return new RunVerdict(Verdict.PARTIAL, done + " of " + Counts.of(run.selected(), "victim") + " "
                    + (run.dryRun() ? "would have been terminated" : "terminated") + recovered + "; " + notDone);
        }
        return new RunVerdict(Verdict.PASSED, (run.dryRun() ? "dry run: " : "") + Counts.of(done, "victim") + " "
                + (run.dryRun() ? "would have been terminated" : "terminated") + recovered);
    }

    /** {@code 2 refused (kill switch: 1, min healthy: 1), 1 not terminated (...)}: why victims were left alive. */
    private static String notDone(List<RefusalReason> refusals, long failed) {
        StringBuilder text = new StringBuilder();
        if (!refusals.isEmpty()) {
            text.append(refusals.size()).append(" refused ").append(byReason(refusals));
        }
        if (failed > 0) {
            text.append(text.isEmpty() ? "" : ", ").append(failed).append(" not terminated (provider failure or abandoned)");
        }
        return text.isEmpty() ? "not attempted" : text.toString();
    }

    /** {@code (kill switch: 1, min healthy: 1)}: the refusals by reason, in the reasons' order. */
    private static String byReason(List<RefusalReason> refusals) {
        Map<RefusalReason, Long> counts = new EnumMap<>(RefusalReason.class);
        refusals.forEach(r -> counts.merge(r, 1L, Long::sum));
        return counts.entrySet().stream().map(e -> e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + e.getValue())
                .collect(Collectors.joining(", ", "(", ")"));
    }

    private static String named(List<String> groups) {
        String shown = String.join(", ", groups.subList(0, Math.min(GROUPS_NAMED, groups.size())));
        return groups.size() > GROUPS_NAMED ? shown + " and " + (groups.size() - GROUPS_NAMED) + " more" : shown;
    }

    private static String because(String reason) {
        return reason == null || reason.isBlank() ? "" : ": " + reason;
    }
}
