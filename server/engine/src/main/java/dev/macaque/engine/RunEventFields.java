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
import dev.macaque.engine.RunStep.ZoneSelected;
import dev.macaque.spi.GroupRef;
import dev.macaque.text.Durations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping between a {@link RunStep} and its stored and JSON form: string fields in a fixed order (the order
 * below is the order of the API's, the store's, the webhooks' and the simulation log's {@code fields}). Every reader
 * and writer of run events goes through here, so the form can change in one place and a value is never formatted by
 * one component and parsed by another.
 */
public final class RunEventFields {
    private RunEventFields() {
    }

    /** The stored form of {@code step}: ordered, never null values (an absent text is {@code ""}). */
    public static Map<String, String> of(RunStep step) {
        Fields f = new Fields();
        if (step instanceof RunCreated s) {
            f.put("experiment", s.experiment()).put("seed", s.seed()).put("dryRun", s.dryRun());
        } else if (step instanceof RunStarted s) {
            f.put("experiment", s.experiment()).put("seed", s.seed()).put("dryRun", s.dryRun())
                    .put("selection", s.selection());
        } else if (step instanceof ProviderCallRetry s) {
            f.put("operation", s.operation());
            if (s.provider() != null) {
                f.put("provider", s.provider());
            }
            if (s.groups() != null) {
                f.put("groups", s.groups());
            }
            if (s.group() != null) {
                f.put("group", s.group());
            }
            if (s.instance() != null) {
                f.put("instance", s.instance());
            }
            f.put("attempt", s.attempt()).put("errorKind", s.errorKind()).put("errorMessage", s.errorMessage())
                    .put("retryIn", Durations.format(s.retryIn()));
        } else if (step instanceof GroupSkipped s) {
            f.put("group", s.group()).put("reason", s.reason());
        } else if (step instanceof ProviderUnavailable s) {
            f.put("provider", s.provider()).put("reason", s.reason());
        } else if (step instanceof GroupsDiscovered s) {
            f.put("listed", s.listed()).put("notOptedIn", s.notOptedIn())
                    .put("candidates", s.candidates()).put("eligibleGroups", s.eligibleGroups())
                    .put("eligibleInstances", s.eligibleInstances());
            if (!s.unreachable().isEmpty()) {
                f.put("unreachable", String.join("; ", s.unreachable()));
            }
        } else if (step instanceof ZoneSelected s) {
            f.put("zone", s.zone()).put("drawn", s.drawn()).put("groups", s.groups()).put("members", s.members())
                    .put("refusedGroups", String.join(",", s.refusedGroups().stream().map(GroupRef::toString).toList()));
        } else if (step instanceof VictimsSelected s) {
            f.put("count", s.victims().size()).put("victims", String.join(",",
                    s.victims().stream().map(Victim::toString).toList()));
        } else if (step instanceof TerminationRefused s) {
            f.put("group", s.group()).put("instance", s.instance())
                    .put("reason", s.reason().name()).put("message", s.message());
        } else if (step instanceof TerminationIntent s) {
            f.put("group", s.group()).put("instance", s.instance()).put("dryRun", s.dryRun())
                    .put("idempotencyKey", s.idempotencyKey())
                    .put("minTimeBetweenKills", Durations.format(s.minTimeBetweenKills()));
        } else if (step instanceof TerminationOutcome s) {
            f.put("group", s.group()).put("instance", s.instance())
                    .put("outcome", s.outcome().name()).put("attempts", s.attempts()).put("detail", s.detail());
        } else if (step instanceof TerminationFailed s) {
            f.put("group", s.group()).put("instance", s.instance()).put("attempts", s.attempts())
                    .put("errorKind", s.errorKind()).put("errorMessage", s.errorMessage());
        } else if (step instanceof TerminationAbandoned s) {
            f.put("group", s.group()).put("instance", s.instance()).put("reason", s.reason());
        } else if (step instanceof RunStep.TerminationReconciled s) {
            f.put("group", s.group()).put("instance", s.instance()).put("outcome", s.outcome()).put("detail", s.detail());
        } else if (step instanceof VerificationStarted s) {
            f.put("groups", String.join(",", s.groups().stream().map(GroupRef::toString).toList()))
                    .put("timeout", Durations.format(s.timeout())).put("pollInterval", Durations.format(s.pollInterval()));
        } else if (step instanceof HealthChecked s) {
            f.put("group", s.group()).put("healthyInService", s.healthyInService())
                    .put("desiredCapacity", s.desiredCapacity()).put("target", s.target());
        } else if (step instanceof HealthCheckFailed s) {
            f.put("group", s.group()).put("error", s.error());
        } else if (step instanceof GroupRecovered s) {
            f.put("group", s.group()).put("after", Durations.format(s.after()))
                    .put("healthyInService", s.healthyInService());
        } else if (step instanceof GroupNotRecovered s) {
            f.put("group", s.group()).put("timeout", Durations.format(s.timeout()))
                    .put("lastHealthy", s.lastHealthy()).put("target", s.target());
        } else if (step instanceof RunCompleted s) {
            f.put("victims", s.victims()).put("refused", s.refused())
                    .put("terminations", counts(s.terminations())).put("recoveries", counts(s.recoveries()));
        } else if (step instanceof RunFailed s) {
            f.put("reason", s.reason());
        } else if (step instanceof RunAborted s) {
            f.put("reason", s.reason());
        } else if (step instanceof RunStep.ProbeEvaluated s) {
            f.put("probe", s.probe()).put("phase", s.phase().name()).put("passed", s.passed())
                    .put("observed", s.observed()).put("detail", s.detail())
                    .put("consecutiveFailures", s.consecutiveFailures());
        } else if (step instanceof RunStep.SteadyAgain s) {
            f.put("after", Durations.format(s.after()));
        } else if (step instanceof RunStep.RunNotSteady s) {
            f.put("probe", s.probe()).put("observed", s.observed()).put("detail", s.detail());
        } else if (step instanceof RunStep.RunHalted s) {
            f.put("probe", s.probe()).put("observed", s.observed()).put("detail", s.detail())
                    .put("failures", s.failures()).put("remaining", s.remaining());
        } else {
            throw new IllegalStateException("no stored form for " + step);
        }
        return Collections.unmodifiableMap(f.map);
    }

    /**
     * Reads the stored form back.
     *
     * @throws IllegalArgumentException naming the event type and field when {@code fields} is not a form {@link #of}
     *                                  writes
     */
    public static RunStep read(RunEventType type, Map<String, String> fields) {
        Reader r = new Reader(type, fields);
        try {
            return switch (type) {
                case RUN_CREATED -> new RunCreated(r.text("experiment"), r.longValue("seed"), r.bool("dryRun"));
                case RUN_STARTED -> new RunStarted(r.text("experiment"), r.longValue("seed"), r.bool("dryRun"),
                        r.text("selection"));
                case PROVIDER_CALL_RETRY -> new ProviderCallRetry(r.text("operation"), r.optional("provider"),
                        r.optional("groups") == null ? null : r.integer("groups"),
                        r.optional("group") == null ? null : r.group("group"), r.optional("instance"), r.integer("attempt"),
                        r.text("errorKind"), r.text("errorMessage"), r.duration("retryIn"));
                case GROUP_SKIPPED -> new GroupSkipped(r.group("group"), r.text("reason"));
                case PROVIDER_UNAVAILABLE -> new ProviderUnavailable(r.text("provider"), r.text("reason"));
                case GROUPS_DISCOVERED -> new GroupsDiscovered(r.integer("listed"), r.integer("notOptedIn"),
                        r.integer("candidates"), r.integer("eligibleGroups"), r.longValue("eligibleInstances"),
                        r.optional("unreachable") == null ? List.of() : List.of(r.text("unreachable").split("; ")));
                case ZONE_SELECTED -> new ZoneSelected(r.text("zone"), r.bool("drawn"), r.integer("groups"),
                        r.integer("members"), r.groups("refusedGroups"));
                case VICTIMS_SELECTED -> new VictimsSelected(r.victims("victims"));
                case TERMINATION_REFUSED -> new TerminationRefused(r.group("group"), r.text("instance"),
                        RefusalReason.valueOf(r.text("reason")), r.text("message"));
                case TERMINATION_INTENT -> new TerminationIntent(r.group("group"), r.text("instance"), r.bool("dryRun"),
                        r.text("idempotencyKey"), r.duration("minTimeBetweenKills"));
                case TERMINATION_OUTCOME -> new TerminationOutcome(r.group("group"), r.text("instance"),
                        TerminationStatus.valueOf(r.text("outcome")), r.integer("attempts"), r.text("detail"));
                case TERMINATION_FAILED -> new TerminationFailed(r.group("group"), r.text("instance"), r.integer("attempts"),
                        r.text("errorKind"), r.text("errorMessage"));
                case TERMINATION_ABANDONED -> new TerminationAbandoned(r.group("group"), r.text("instance"),
                        r.optional("reason"));
                case TERMINATION_RECONCILED -> new RunStep.TerminationReconciled(r.group("group"), r.text("instance"),
                        r.text("outcome"), r.text("detail"));
                case VERIFICATION_STARTED -> new VerificationStarted(r.groups("groups"), r.duration("timeout"),
                        r.duration("pollInterval"));
                case HEALTH_CHECKED -> new HealthChecked(r.group("group"), r.integer("healthyInService"),
                        r.integer("desiredCapacity"), r.integer("target"));
                case HEALTH_CHECK_FAILED -> new HealthCheckFailed(r.group("group"), r.text("error"));
                case GROUP_RECOVERED -> new GroupRecovered(r.group("group"), r.duration("after"), r.integer("healthyInService"));
                case GROUP_NOT_RECOVERED -> new GroupNotRecovered(r.group("group"), r.duration("timeout"),
                        r.integer("lastHealthy"), r.integer("target"));
                case RUN_COMPLETED -> new RunCompleted(r.integer("victims"), r.integer("refused"),
                        r.counts("terminations", TerminationStatus.class), r.counts("recoveries", RecoveryStatus.class));
                case RUN_FAILED -> new RunFailed(r.text("reason"));
                case RUN_ABORTED -> new RunAborted(r.text("reason"));
                case PROBE_EVALUATED -> new RunStep.ProbeEvaluated(r.text("probe"),
                        RunStep.ProbeEvaluated.Phase.valueOf(r.text("phase")), r.bool("passed"), r.text("observed"),
                        r.text("detail"), r.integer("consecutiveFailures"));
                case STEADY_AGAIN -> new RunStep.SteadyAgain(r.duration("after"));
                case RUN_NOT_STEADY -> new RunStep.RunNotSteady(r.text("probe"), r.text("observed"), r.text("detail"));
                case RUN_HALTED -> new RunStep.RunHalted(r.text("probe"), r.text("observed"), r.text("detail"),
                        r.integer("failures"), r.integer("remaining"));
            };
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("stored " + type + " event is not readable: " + e.getMessage(), e);
        }
    }

    /** An unmodifiable copy keyed in the enum's order. */
    static <E extends Enum<E>> Map<E, Long> enumCounts(Class<E> type, Map<E, Long> counts) {
        EnumMap<E, Long> copy = new EnumMap<>(type);
        copy.putAll(counts);
        return Collections.unmodifiableMap(copy);
    }

    /** {@code {TERMINATED=2, FAILED=1}}: the counts in the enum's order. */
    private static String counts(Map<? extends Enum<?>, Long> counts) {
        StringBuilder text = new StringBuilder("{");
        counts.forEach((key, count) -> text.append(text.length() > 1 ? ", " : "").append(key.name()).append('=').append(count));
        return text.append('}').toString();
    }

    private static final class Fields {
        final Map<String, String> map = new LinkedHashMap<>();

        Fields put(String name, String value) {
            map.put(name, value == null ? "" : value);
            return this;
        }

        Fields put(String name, long value) {
            return put(name, Long.toString(value));
        }

        Fields put(String name, boolean value) {
            return put(name, Boolean.toString(value));
        }

        Fields put(String name, GroupRef value) {
            return put(name, value.toString());
        }
    }

    private record Reader(RunEventType type, Map<String, String> fields) {
        String text(String name) {
            String value = fields.get(name);
            if (value == null) {
                throw new IllegalArgumentException("field '" + name + "' is missing");
            }
            return value;
        }

        String optional(String name) {
            return fields.get(name);
        }

        long longValue(String name) {
            try {
                return Long.parseLong(text(name));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("field '" + name + "' is not a whole number: " + fields.get(name));
            }
        }

        int integer(String name) {
            return Math.toIntExact(longValue(name));
        }

        boolean bool(String name) {
            return Boolean.parseBoolean(text(name));
        }

        java.time.Duration duration(String name) {
            return Durations.parse(text(name));
        }

        GroupRef group(String name) {
            return GroupRef.parse(text(name));
        }

        List<GroupRef> groups(String name) {
            String value = text(name);
            List<GroupRef> groups = new ArrayList<>();
            if (!value.isEmpty()) {
                for (String ref : value.split(",")) {
                    groups.add(GroupRef.parse(ref));
                }
            }
            return groups;
        }

        List<Victim> victims(String name) {
            String value = text(name);
            List<Victim> victims = new ArrayList<>();
            if (!value.isEmpty()) {
                for (String victim : value.split(",")) {
                    int slash = victim.lastIndexOf('/');
                    victims.add(new Victim(GroupRef.parse(victim.substring(0, slash)), victim.substring(slash + 1)));
                }
            }
            return victims;
        }

        <E extends Enum<E>> Map<E, Long> counts(String name, Class<E> enumType) {
            String value = text(name).trim();
            if (!value.startsWith("{") || !value.endsWith("}")) {
                throw new IllegalArgumentException("field '" + name + "' is not a count map: " + value);
            }
            EnumMap<E, Long> counts = new EnumMap<>(enumType);
            String body = value.substring(1, value.length() - 1).trim();
            if (!body.isEmpty()) {
                for (String entry : body.split(",")) {
                    String[] pair = entry.trim().split("=", 2);
                    counts.put(Enum.valueOf(enumType, pair[0]), Long.parseLong(pair[1]));
                }
            }
            return counts;
        }
    }
}
