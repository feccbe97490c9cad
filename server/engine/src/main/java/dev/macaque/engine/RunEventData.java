package dev.macaque.engine;

import dev.macaque.engine.RunStep.GroupNotRecovered;
import dev.macaque.engine.RunStep.GroupRecovered;
import dev.macaque.engine.RunStep.GroupSkipped;
import dev.macaque.engine.RunStep.GroupsDiscovered;
import dev.macaque.engine.RunStep.HealthCheckFailed;
import dev.macaque.engine.RunStep.HealthChecked;
import dev.macaque.engine.RunStep.ProviderCallRetry;
import dev.macaque.engine.RunStep.ProviderUnavailable;
import dev.macaque.engine.RunStep.RunAborted;
import dev.macaque.engine.RunStep.RunCompleted;
import dev.macaque.engine.RunStep.RunCreated;
import dev.macaque.engine.RunStep.RunFailed;
import dev.macaque.engine.RunStep.RunStarted;
import dev.macaque.engine.RunStep.TerminationAbandoned;
import dev.macaque.engine.RunStep.TerminationFailed;
import dev.macaque.engine.RunStep.TerminationIntent;
import dev.macaque.engine.RunStep.TerminationOutcome;
import dev.macaque.engine.RunStep.TerminationRefused;
import dev.macaque.engine.RunStep.VerificationStarted;
import dev.macaque.engine.RunStep.VictimsSelected;
import dev.macaque.spi.GroupRef;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed JSON form of a {@link RunStep}, the {@code data} of every event in the API, its server-sent events and
 * the webhooks: numbers are numbers, flags booleans, lists arrays and counts objects, so no consumer parses text back.
 * Values are only {@code String}, {@code Long}/{@code Integer}, {@code Boolean}, {@code BigDecimal} (durations, in
 * seconds with millisecond precision, their names ending in {@code Seconds}), lists and maps of these. A group is its
 * id {@code provider/region/name}, as everywhere in the API. Absent optional values are left out, never null.
 * (The string {@code fields} of {@link RunEventFields} stay the stored form; this is made from the step, not from them.)
 */
public final class RunEventData {
    private RunEventData() {
    }

    public static Map<String, Object> of(RunStep step) {
        Data d = new Data();
        if (step instanceof RunCreated s) {
            d.put("experiment", s.experiment()).put("seed", s.seed()).put("dryRun", s.dryRun());
        } else if (step instanceof RunStarted s) {
            d.put("experiment", s.experiment()).put("seed", s.seed()).put("dryRun", s.dryRun()).put("selection", s.selection());
        } else if (step instanceof ProviderCallRetry s) {
            d.put("operation", s.operation()).put("provider", s.provider()).put("groups", s.groups()).put("group", s.group())
                    .put("instance", s.instance()).put("attempt", s.attempt()).put("errorKind", s.errorKind())
                    .put("errorMessage", s.errorMessage()).put("retryInSeconds", s.retryIn());
        } else if (step instanceof GroupSkipped s) {
            d.put("group", s.group()).put("reason", s.reason());
        } else if (step instanceof ProviderUnavailable s) {
            d.put("provider", s.provider()).put("reason", s.reason());
        } else if (step instanceof GroupsDiscovered s) {
            d.put("listed", s.listed()).put("notOptedIn", s.notOptedIn()).put("candidates", s.candidates())
                    .put("eligibleGroups", s.eligibleGroups()).put("eligibleInstances", s.eligibleInstances())
                    .put("unreachable", List.copyOf(s.unreachable()));
        } else if (step instanceof VictimsSelected s) {
            d.put("count", s.victims().size()).put("victims", s.victims().stream().map(v -> {
                Map<String, Object> victim = new LinkedHashMap<>();
                victim.put("group", v.group().toString());
                victim.put("instanceId", v.instanceId());
                return Collections.unmodifiableMap(victim);
            }).toList());
        } else if (step instanceof RunStep.ZoneSelected s) {
            d.put("zone", s.zone()).put("drawn", s.drawn()).put("groups", s.groups()).put("members", s.members())
                    .put("refusedGroups", s.refusedGroups().stream().map(GroupRef::toString).toList());
        } else if (step instanceof TerminationRefused s) {
            d.put("group", s.group()).put("instance", s.instance()).put("reason", s.reason().name()).put("message", s.message());
        } else if (step instanceof TerminationIntent s) {
            d.put("group", s.group()).put("instance", s.instance()).put("dryRun", s.dryRun())
                    .put("idempotencyKey", s.idempotencyKey()).put("minTimeBetweenKillsSeconds", s.minTimeBetweenKills());
        } else if (step instanceof TerminationOutcome s) {
            d.put("group", s.group()).put("instance", s.instance()).put("outcome", s.outcome().name())
                    .put("attempts", s.attempts()).put("detail", s.detail());
        } else if (step instanceof TerminationFailed s) {
            d.put("group", s.group()).put("instance", s.instance()).put("attempts", s.attempts())
                    .put("errorKind", s.errorKind()).put("errorMessage", s.errorMessage());
        } else if (step instanceof TerminationAbandoned s) {
            d.put("group", s.group()).put("instance", s.instance()).put("reason", s.reason());
        } else if (step instanceof RunStep.TerminationReconciled s) {
            d.put("group", s.group()).put("instance", s.instance()).put("outcome", s.outcome()).put("detail", s.detail());
        } else if (step instanceof VerificationStarted s) {
            d.put("groups", s.groups().stream().map(GroupRef::toString).toList()).put("timeoutSeconds", s.timeout())
                    .put("pollIntervalSeconds", s.pollInterval());
        } else if (step instanceof HealthChecked s) {
            d.put("group", s.group()).put("healthyInService", s.healthyInService()).put("desiredCapacity", s.desiredCapacity())
                    .put("target", s.target());
        } else if (step instanceof HealthCheckFailed s) {
            d.put("group", s.group()).put("error", s.error());
        } else if (step instanceof GroupRecovered s) {
            d.put("group", s.group()).put("afterSeconds", s.after()).put("healthyInService", s.healthyInService());
        } else if (step instanceof GroupNotRecovered s) {
            d.put("group", s.group()).put("timeoutSeconds", s.timeout()).put("lastHealthy", s.lastHealthy())
                    .put("target", s.target());
        } else if (step instanceof RunCompleted s) {
            d.put("victims", s.victims()).put("refused", s.refused()).put("terminations", counts(s.terminations()))
                    .put("recoveries", counts(s.recoveries()));
        } else if (step instanceof RunFailed s) {
            d.put("reason", s.reason());
        } else if (step instanceof RunAborted s) {
            d.put("reason", s.reason());
        } else if (step instanceof RunStep.ProbeEvaluated s) {
            d.put("probe", s.probe()).put("phase", s.phase().name()).put("passed", s.passed()).put("observed", s.observed())
                    .put("detail", s.detail()).put("consecutiveFailures", s.consecutiveFailures());
        } else if (step instanceof RunStep.SteadyAgain s) {
            d.put("afterSeconds", s.after());
        } else if (step instanceof RunStep.RunNotSteady s) {
            d.put("probe", s.probe()).put("observed", s.observed()).put("detail", s.detail());
        } else if (step instanceof RunStep.RunHalted s) {
            d.put("probe", s.probe()).put("observed", s.observed()).put("detail", s.detail()).put("failures", s.failures())
                    .put("remaining", s.remaining());
        } else {
            throw new IllegalStateException("no typed form for " + step);
        }
        return Collections.unmodifiableMap(d.map);
    }

    /** A duration as JSON: seconds, exact to the millisecond ({@code 2.01}, {@code 90}). */
    public static BigDecimal seconds(Duration duration) {
        BigDecimal seconds = BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros();
        return seconds.scale() < 0 ? seconds.setScale(0) : seconds;
    }

    /** Counts by outcome name, in the enum's order (an outcome that never happened is absent). */
    private static <E extends Enum<E>> Map<String, Long> counts(Map<E, Long> counts) {
        Map<String, Long> all = new LinkedHashMap<>();
        counts.forEach((k, v) -> all.put(k.name(), v));
        return Collections.unmodifiableMap(all);
    }

    private static final class Data {
        final Map<String, Object> map = new LinkedHashMap<>();

        Data put(String name, Object value) {
            if (value instanceof GroupRef group) {
                map.put(name, group.toString());
            } else if (value instanceof Duration duration) {
                map.put(name, seconds(duration));
            } else if (value != null) {
                map.put(name, value);
            }
            return this;
        }
    }
}
