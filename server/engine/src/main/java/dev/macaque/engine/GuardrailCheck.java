package dev.macaque.engine;

import dev.macaque.text.Counts;
import dev.macaque.text.Durations;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.GuardrailDecision.Refused;
import dev.macaque.spi.OptIn;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The guardrails, checked before every termination (dry runs included, so a dry run shows what a real run would
 * refuse). Checks run in a fixed order and the first refusal wins: kill switch, failing stop condition, opt-in, max terminations, time
 * since the group's last kill; then, against the fleet's record (every run's kills in flight), the victim already
 * being killed, the victim gone, the group busy with another run, the fleet budgets; then the absolute floor (the
 * last healthy instance) and the minimum healthy, counting every run's kills in flight. Thread-safe.
 */
public final class GuardrailCheck {
    private final KillSwitch killSwitch;
    private final KillHistory killHistory;
    private final StopConditions stopConditions;

    public GuardrailCheck(KillSwitch killSwitch, KillHistory killHistory) {
        this(killSwitch, killHistory, StopConditions.NONE);
    }

    public GuardrailCheck(KillSwitch killSwitch, KillHistory killHistory, StopConditions stopConditions) {
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.killHistory = Objects.requireNonNull(killHistory, "killHistory is null");
        this.stopConditions = Objects.requireNonNull(stopConditions, "stopConditions is null");
    }

    /**
     * What the fleet's record adds to a decision, read in the intent's atomic step.
     *
     * @param view            every run's kills in flight, the fleet counts and budgets
     * @param runId           the deciding run
     * @param shared          the run shares its groups ({@code "concurrency": "shared"})
     * @param instanceId      the victim
     * @param victimAvailable the victim is healthy, in service and not being killed by another run
     */
    public record FleetContext(FleetView view, String runId, boolean shared, String instanceId, boolean victimAvailable) {
    }

    /** The run's own checks, without the fleet (before the group is read again); see the full form below. */
    public GuardrailDecision check(KillCandidate candidate, Guardrails limits, int terminationsSoFar, Instant now) {
        return check(candidate, limits, terminationsSoFar, now, null);
    }

    /**
     * @param candidate         the termination about to happen
     * @param limits            the experiment's guardrails
     * @param terminationsSoFar terminations (or would-be terminations) this run already made
     * @param now               the current time
     */
    public GuardrailDecision check(KillCandidate candidate, Guardrails limits, int terminationsSoFar, Instant now,
                                   FleetContext fleet) {
        // Inside the recorder's atomic step the switch is read by that same step (no second connection under the lock).
        if (fleet != null ? fleet.view().killSwitchEngaged() : killSwitch.engaged()) {
            return new Refused(RefusalReason.KILL_SWITCH, "the global kill switch is engaged");
        }
        // Read again in the intent's atomic step: a condition that started failing meanwhile still holds the kill.
        Optional<StopConditions.Failing> failing = stopConditions.failing();
        if (failing.isPresent()) {
            StopConditions.Failing condition = failing.get();
            return new Refused(RefusalReason.STOP_CONDITION_FAILING, "stop condition " + condition.name()
                    + " is failing (observed: " + condition.observed() + (condition.detail().isEmpty() ? "" : "; "
                    + condition.detail()) + ", since " + condition.since() + "): all chaos is held until it passes");
        }
        if (!OptIn.isEnabled(candidate.tags())) {
            return new Refused(RefusalReason.NOT_OPTED_IN, "group " + candidate.group() + " is not opted in ("
                    + OptIn.ENABLED_KEY + "=" + candidate.tags().getOrDefault(OptIn.ENABLED_KEY, "<absent>") + ")");
        }
        if (terminationsSoFar >= limits.maxTerminations()) {
            return new Refused(RefusalReason.MAX_TERMINATIONS, "this run already made " + Counts.of(terminationsSoFar, "termination")
                    + ", the limit (guardrails.maxTerminations)");
        }
        // With the fleet (inside the recorder's atomic step) the last kill comes from that same step (the store reads it
        // under the fleet lock, and claims it with the intent); the KillHistory is not read again there.
        Optional<Instant> last = fleet == null
                ? (limits.minTimeBetweenKills().isZero() ? Optional.empty() : killHistory.lastKill(candidate.group()))
                : Optional.ofNullable(fleet.view().lastKill());
        if (!limits.minTimeBetweenKills().isZero()) {
            if (last.isPresent()) {
                Duration since = Duration.between(last.get(), now);
                if (since.compareTo(limits.minTimeBetweenKills()) < 0) {
                    return new Refused(RefusalReason.MIN_TIME_BETWEEN_KILLS, "group " + candidate.group()
                            + " was last killed at " + last.get() + ", " + Durations.format(since.isNegative() ? Duration.ZERO : since)
                            + " ago; guardrails.minTimeBetweenKills is " + Durations.format(limits.minTimeBetweenKills()));
                }
            }
        }
        if (fleet != null) {
            GuardrailDecision fleetDecision = checkFleet(candidate, fleet);
            if (fleetDecision instanceof Refused) {
                return fleetDecision;
            }
        }
        int healthyAfter = candidate.healthyNow() - 1;
        // The absolute floor: no termination ever leaves a group without a healthy in-service member.
        if (healthyAfter < 1) {
            return new Refused(RefusalReason.LAST_HEALTHY_INSTANCE, "group " + candidate.group() + " has "
                    + dev.macaque.text.Counts.of(candidate.healthyNow(), "healthy in-service instance") + "; the last one is never killed");
        }
        if (healthyAfter < limits.minHealthyInstances()) {
            return new Refused(RefusalReason.MIN_HEALTHY, "group " + candidate.group() + " would keep "
                    + dev.macaque.text.Counts.of(healthyAfter, "healthy instance") + ", fewer than guardrails.minHealthyInstances=" + limits.minHealthyInstances());
        }
        int requiredByPercent = requiredHealthy(candidate.desiredCapacity(), limits.minHealthyPercent());
        if (healthyAfter < requiredByPercent) {
            return new Refused(RefusalReason.MIN_HEALTHY, "group " + candidate.group() + " would keep " + healthyAfter
                    + " of " + candidate.desiredCapacity() + " desired healthy, fewer than guardrails.minHealthyPercent="
                    + limits.minHealthyPercent() + "% (" + requiredByPercent + ")");
        }
        return GuardrailDecision.ALLOWED;
    }

    private static GuardrailDecision checkFleet(KillCandidate candidate, FleetContext fleet) {
        FleetView view = fleet.view();
        String busyBy = view.inFlight().get(fleet.instanceId());
        if (busyBy != null && !busyBy.equals(fleet.runId())) {
            return new Refused(RefusalReason.GROUP_BUSY, "instance " + fleet.instanceId() + " of group " + candidate.group()
                    + " is already being terminated by run " + busyBy);
        }
        if (!fleet.victimAvailable()) {
            return new Refused(RefusalReason.VICTIM_GONE, "instance " + fleet.instanceId() + " is no longer a healthy "
                    + "in-service member of group " + candidate.group() + " (read right before the kill)");
        }
        java.util.Set<String> others = view.otherRuns(fleet.runId());
        if (!fleet.shared() && !others.isEmpty()) {
            return new Refused(RefusalReason.GROUP_BUSY, "group " + candidate.group() + " is being acted on or still "
                    + "recovering from " + Counts.noun(others.size(), "run", "runs") + " " + String.join(", ", others) + "; set \"concurrency\": \"shared\" to act on it anyway");
        }
        FleetBudgets budgets = view.budgets();
        if (view.terminationsLastHour() >= budgets.maxTerminationsPerHour()) {
            return new Refused(RefusalReason.FLEET_BUDGET, "the fleet already had " + view.terminationsLastHour()
                    + " real terminations in the last hour, the limit (safety.maxTerminationsPerHour="
                    + budgets.maxTerminationsPerHour() + ")");
        }
        if (view.terminationsLastDay() >= budgets.maxTerminationsPerDay()) {
            return new Refused(RefusalReason.FLEET_BUDGET, "the fleet already had " + view.terminationsLastDay()
                    + " real terminations in the last 24 hours, the limit (safety.maxTerminationsPerDay="
                    + budgets.maxTerminationsPerDay() + ")");
        }
        if (!view.degradedGroups().contains(candidate.group()) && view.degradedGroups().size() >= budgets.maxGroupsDegraded()) {
            return new Refused(RefusalReason.FLEET_BUDGET, view.degradedGroups().size() + " groups already have a Macaque "
                    + "kill that has not recovered, the limit (safety.maxGroupsDegraded=" + budgets.maxGroupsDegraded() + ")");
        }
        return GuardrailDecision.ALLOWED;
    }

    /** {@code percent}% of {@code desired}, rounded up: the healthy count a group must keep. */
    static int requiredHealthy(int desired, int percent) {
        return (int) ((desired * (long) percent + 99) / 100);
    }
}
