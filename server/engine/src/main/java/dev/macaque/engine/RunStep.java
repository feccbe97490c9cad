package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run did at one step, with typed values: the closed set of everything a {@link RunEvent} can say. The
 * stored and JSON form (ordered string fields) is made and read in one place only, {@link RunEventFields}; nothing
 * else formats these values into strings to parse them back.
 */
public sealed interface RunStep {
    RunEventType type();

    record RunCreated(String experiment, long seed, boolean dryRun) implements RunStep {
        public RunEventType type() {
            return RunEventType.RUN_CREATED;
        }
    }

    /** @param selection as the spec said it, e.g. {@code count 3}, {@code percent 12.5} */
    record RunStarted(String experiment, long seed, boolean dryRun, String selection) implements RunStep {
        public RunEventType type() {
            return RunEventType.RUN_STARTED;
        }
    }

    /**
     * A provider call failed with a retryable error and will be tried again after {@code retryIn}.
     *
     * @param provider the provider instance listed or read in a batch; else null
     * @param groups   how many groups a batched read asked for; else null
     * @param group    the group described or acted on; null for a listing
     * @param instance the instance to terminate, for a termination; else null
     */
    record ProviderCallRetry(String operation, String provider, Integer groups, GroupRef group, String instance, int attempt,
                             String errorKind, String errorMessage, Duration retryIn) implements RunStep {
        public RunEventType type() {
            return RunEventType.PROVIDER_CALL_RETRY;
        }
    }

    record GroupSkipped(GroupRef group, String reason) implements RunStep {
        public RunEventType type() {
            return RunEventType.GROUP_SKIPPED;
        }
    }

    /** A provider's listing failed (after retries) and the run went on with the other providers. */
    record ProviderUnavailable(String provider, String reason) implements RunStep {
        public RunEventType type() {
            return RunEventType.PROVIDER_UNAVAILABLE;
        }
    }

    /** @param unreachable parts of the fleet a provider could not read (a finding); usually empty */
    record GroupsDiscovered(int listed, int notOptedIn, int candidates, int eligibleGroups, long eligibleInstances,
                            List<String> unreachable) implements RunStep {
        public GroupsDiscovered {
            unreachable = List.copyOf(unreachable);
        }

        public GroupsDiscovered(int listed, int notOptedIn, int candidates, int eligibleGroups, long eligibleInstances) {
            this(listed, notOptedIn, candidates, eligibleGroups, eligibleInstances, List.of());
        }

        public RunEventType type() {
            return RunEventType.GROUPS_DISCOVERED;
        }
    }

    /**
     * A zone outage's zone and what the guardrails make of it before any kill.
     *
     * @param zone          the zone taken down
     * @param drawn         drawn from the seed ({@code zone: random})
     * @param groups        eligible groups with a member in the zone
     * @param members       their healthy members in the zone
     * @param refusedGroups the groups spared whole (single-zone, below their minimum, over maxTerminations), in order
     */
    record ZoneSelected(String zone, boolean drawn, int groups, int members, List<GroupRef> refusedGroups) implements RunStep {
        public ZoneSelected {
            refusedGroups = List.copyOf(refusedGroups);
        }

        public RunEventType type() {
            return RunEventType.ZONE_SELECTED;
        }
    }

    record VictimsSelected(List<Victim> victims) implements RunStep {
        public VictimsSelected {
            victims = List.copyOf(victims);
        }

        public RunEventType type() {
            return RunEventType.VICTIMS_SELECTED;
        }
    }

    record TerminationRefused(GroupRef group, String instance, RefusalReason reason, String message) implements RunStep {
        public RunEventType type() {
            return RunEventType.TERMINATION_REFUSED;
        }
    }

    /** Recorded (and stored) before the provider is asked to terminate. */
    record TerminationIntent(GroupRef group, String instance, boolean dryRun, String idempotencyKey,
                             Duration minTimeBetweenKills) implements RunStep {
        public TerminationIntent {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(minTimeBetweenKills, "minTimeBetweenKills");
        }

        public RunEventType type() {
            return RunEventType.TERMINATION_INTENT;
        }
    }

    record TerminationOutcome(GroupRef group, String instance, TerminationStatus outcome, int attempts, String detail)
            implements RunStep {
        public RunEventType type() {
            return RunEventType.TERMINATION_OUTCOME;
        }
    }

    record TerminationFailed(GroupRef group, String instance, int attempts, String errorKind, String errorMessage)
            implements RunStep {
        public RunEventType type() {
            return RunEventType.TERMINATION_FAILED;
        }
    }

    /**
     * An intended termination never carried out: it was waiting to be retried when the run stopped, or a zone outage's
     * group whose turn had not come when the run stopped, or that failed its guardrails when its turn came.
     *
     * @param reason why, in words ({@code ""} in events stored before it was kept)
     */
    record TerminationAbandoned(GroupRef group, String instance, String reason) implements RunStep {
        public TerminationAbandoned {
            reason = reason == null ? "" : reason;
        }

        public RunEventType type() {
            return RunEventType.TERMINATION_ABANDONED;
        }
    }

    /**
     * A termination whose outcome a crash left unknown, as its provider reports it after the restart.
     *
     * @param outcome {@code TERMINATED} (gone or terminating), {@code NOT_TERMINATED} (still in service) or
     *                {@code UNKNOWN} (the provider could not be asked; asked again later)
     */
    record TerminationReconciled(GroupRef group, String instance, String outcome, String detail) implements RunStep {
        public RunEventType type() {
            return RunEventType.TERMINATION_RECONCILED;
        }
    }

    record VerificationStarted(List<GroupRef> groups, Duration timeout, Duration pollInterval) implements RunStep {
        public VerificationStarted {
            groups = List.copyOf(groups);
        }

        public RunEventType type() {
            return RunEventType.VERIFICATION_STARTED;
        }
    }

    record HealthChecked(GroupRef group, int healthyInService, int desiredCapacity, int target) implements RunStep {
        public RunEventType type() {
            return RunEventType.HEALTH_CHECKED;
        }
    }

    record HealthCheckFailed(GroupRef group, String error) implements RunStep {
        public RunEventType type() {
            return RunEventType.HEALTH_CHECK_FAILED;
        }
    }

    record GroupRecovered(GroupRef group, Duration after, int healthyInService) implements RunStep {
        public RunEventType type() {
            return RunEventType.GROUP_RECOVERED;
        }
    }

    record GroupNotRecovered(GroupRef group, Duration timeout, int lastHealthy, int target) implements RunStep {
        public RunEventType type() {
            return RunEventType.GROUP_NOT_RECOVERED;
        }
    }

    /** Counts by outcome, in the enums' order. */
    record RunCompleted(int victims, int refused, Map<TerminationStatus, Long> terminations,
                        Map<RecoveryStatus, Long> recoveries) implements RunStep {
        public RunCompleted {
            terminations = RunEventFields.enumCounts(TerminationStatus.class, terminations);
            recoveries = RunEventFields.enumCounts(RecoveryStatus.class, recoveries);
        }

        public RunEventType type() {
            return RunEventType.RUN_COMPLETED;
        }
    }

    record RunFailed(String reason) implements RunStep {
        public RunEventType type() {
            return RunEventType.RUN_FAILED;
        }
    }

    record RunAborted(String reason) implements RunStep {
        public RunEventType type() {
            return RunEventType.RUN_ABORTED;
        }
    }

    /**
     * One evaluation of one steady-state probe.
     *
     * @param phase               when: before the first kill, during the kills, or while verifying recovery
     * @param observed            what was seen ({@code HTTP 200 in 12ms}, {@code 3.5}, {@code 98.2%}, {@code none})
     * @param detail              why it failed; empty when it passed
     * @param consecutiveFailures this probe's failures in a row, this one included (0 when it passed)
     */
    record ProbeEvaluated(String probe, Phase phase, boolean passed, String observed, String detail,
                          int consecutiveFailures) implements RunStep {
        public enum Phase { BEFORE, DURING, AFTER }

        public ProbeEvaluated {
            Objects.requireNonNull(probe, "probe");
            Objects.requireNonNull(phase, "phase");
        }

        public RunEventType type() {
            return RunEventType.PROBE_EVALUATED;
        }
    }

    /** @param after from the run's first kill until every group was back and every probe passed again */
    record SteadyAgain(Duration after) implements RunStep {
        public RunEventType type() {
            return RunEventType.STEADY_AGAIN;
        }
    }

    /** A probe failed before the first kill; nothing was terminated. */
    record RunNotSteady(String probe, String observed, String detail) implements RunStep {
        public RunEventType type() {
            return RunEventType.RUN_NOT_STEADY;
        }
    }

    /**
     * A probe failed {@code failures} times in a row during the run: no termination after this.
     *
     * @param remaining victims that were not terminated because of the halt
     */
    record RunHalted(String probe, String observed, String detail, int failures, int remaining) implements RunStep {
        public RunEventType type() {
            return RunEventType.RUN_HALTED;
        }
    }
}
