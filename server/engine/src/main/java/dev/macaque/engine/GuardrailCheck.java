package dev.macaque.engine;

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
 * refuse). Checks run in a fixed order and the first refusal wins: kill switch, opt-in, max terminations, time
 * since the group's last kill, last healthy instance, minimum healthy. Thread-safe.
 */
public final class GuardrailCheck {
    private final KillSwitch killSwitch;
    private final KillHistory killHistory;

    public GuardrailCheck(KillSwitch killSwitch, KillHistory killHistory) {
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.killHistory = Objects.requireNonNull(killHistory, "killHistory is null");
    }

    /**
     * @param candidate         the termination about to happen
     * @param limits            the experiment's guardrails
     * @param terminationsSoFar terminations (or would-be terminations) this run already made
     * @param now               the current time
     */
    public GuardrailDecision check(KillCandidate candidate, Guardrails limits, int terminationsSoFar, Instant now) {
        if (killSwitch.engaged()) {
            return new Refused(RefusalReason.KILL_SWITCH, "the global kill switch is engaged");
        }
        if (!OptIn.isEnabled(candidate.tags())) {
            return new Refused(RefusalReason.NOT_OPTED_IN, "group " + candidate.group() + " is not opted in ("
                    + OptIn.ENABLED_KEY + "=" + candidate.tags().getOrDefault(OptIn.ENABLED_KEY, "<absent>") + ")");
        }
        if (terminationsSoFar >= limits.maxTerminations()) {
            return new Refused(RefusalReason.MAX_TERMINATIONS, "this run already made " + terminationsSoFar
                    + " terminations, the limit (guardrails.maxTerminations)");
        }
        if (!limits.minTimeBetweenKills().isZero()) {
            Optional<Instant> last = killHistory.lastKill(candidate.group());
            if (last.isPresent()) {
                Duration since = Duration.between(last.get(), now);
                if (since.compareTo(limits.minTimeBetweenKills()) < 0) {
                    return new Refused(RefusalReason.MIN_TIME_BETWEEN_KILLS, "group " + candidate.group()
                            + " was last killed at " + last.get() + ", " + Durations.format(since.isNegative() ? Duration.ZERO : since)
                            + " ago; guardrails.minTimeBetweenKills is " + Durations.format(limits.minTimeBetweenKills()));
                }
            }
        }
        int healthyAfter = candidate.healthyNow() - 1;
        if (healthyAfter < 1) {
            return new Refused(RefusalReason.LAST_HEALTHY_INSTANCE, "group " + candidate.group() + " has "
                    + candidate.healthyNow() + " healthy in-service instance(s); the last one is never killed");
        }
        if (healthyAfter < limits.minHealthyInstances()) {
            return new Refused(RefusalReason.MIN_HEALTHY, "group " + candidate.group() + " would keep " + healthyAfter
                    + " healthy instance(s), fewer than guardrails.minHealthyInstances=" + limits.minHealthyInstances());
        }
        int requiredByPercent = requiredHealthy(candidate.desiredCapacity(), limits.minHealthyPercent());
        if (healthyAfter < requiredByPercent) {
            return new Refused(RefusalReason.MIN_HEALTHY, "group " + candidate.group() + " would keep " + healthyAfter
                    + " of " + candidate.desiredCapacity() + " desired healthy, fewer than guardrails.minHealthyPercent="
                    + limits.minHealthyPercent() + "% (" + requiredByPercent + ")");
        }
        return GuardrailDecision.ALLOWED;
    }

    /** {@code percent}% of {@code desired}, rounded up: the healthy count a group must keep. */
    static int requiredHealthy(int desired, int percent) {
        return (int) ((desired * (long) percent + 99) / 100);
    }
}
