package dev.macaque.simulate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A stretch in which a service served less than its load, with what caused it.
 *
 * @param service         the service that served less than its load
 * @param start           since the world's start
 * @param end             when every request was served again; empty when it lasted to the end of the run
 * @param unservedPercent share of the requests offered during the stretch that were not served
 * @param rootCause       the event that turned the success ratio below 1 when the stretch began (of several
 *                        factors it lowered at once, the one it lowered most); empty when no member was lost: the
 *                        load alone exceeded the culprit's full capacity
 * @param path            services from the root cause's service (the culprit) to {@code service} along
 *                        {@code dependsOn} (just {@code [service]} when the cause is in its own group)
 * @param culpritLoad     the culprit's offered load when the stretch began, requests/second
 * @param culpritCapacity the culprit's healthy capacity then, once every loss of that instant is counted
 * @param crashes         overload crashes in the culprit's group during the stretch
 * @param firstCrash      when the first of them happened
 * @param zones           healthy members per zone of each group on the path when the stretch began, path order
 * @param causes          every capacity loss behind a factor of {@code ratio = min(1, capacity / load) × Π ratio(d)}
 *                        below 1 at some instant of the stretch, in time order (dependencies first at one instant)
 * @param causesOmitted   causes beyond the {@value IncidentTracker#MAX_CAUSES} kept
 */
public record Incident(String service, Duration start, Optional<Duration> end, double unservedPercent,
                       Optional<RootCause> rootCause, List<String> path, double culpritLoad, double culpritCapacity,
                       int crashes, Optional<Duration> firstCrash, Map<String, Map<String, Integer>> zones,
                       List<Cause> causes, int causesOmitted) {
    public Incident {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(rootCause, "rootCause");
        path = List.copyOf(path);
        Objects.requireNonNull(firstCrash, "firstCrash");
        zones = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(zones));
        causes = List.copyOf(causes);
    }

    /** Share of the offered requests served during the stretch, percent. */
    public double servedPercent() {
        return 100 - unservedPercent;
    }

    /** The causes that lowered {@code service}'s own factor (not a dependency's). */
    public List<Cause> causesOf(String ofService) {
        return causes.stream().filter(c -> c.service().equals(ofService)).toList();
    }

    /**
     * A capacity loss behind a binding factor: members of {@code group} lost at one instant for one reason, and what
     * that did to {@code service}'s capacity.
     *
     * @param instance       the member lost, when it was one
     * @param at             since the world's start
     * @param service        the service whose own factor it lowered
     * @param capacityBefore the service's healthy capacity just before, requests/second
     * @param capacityAfter  just after, every loss of that instant counted
     * @param load           the service's offered load at that instant
     * @param lost           members lost
     * @param membersBefore  healthy members just before
     */
    public record Cause(CauseKind kind, String group, Optional<String> instance, Duration at, String service,
                        double capacityBefore, double capacityAfter, double load, int lost, int membersBefore) {
        public Cause {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(service, "service");
        }

        /** Whether the service's own capacity was below its load once this loss was counted. */
        public boolean crossed() {
            return capacityAfter < load;
        }
    }

    /** The overloaded service the stretch came from: the first on the path. */
    public String culprit() {
        return path.get(0);
    }

    /**
     * What started an incident.
     *
     * @param group    the group it happened to
     * @param instance the instance lost, when the cause is a loss
     * @param at       since the world's start
     * @param lost     members the group lost in that event (1 for a kill); for a launch capacity error, members it
     *                 had lost and could not replace
     * @param before   healthy members just before
     */
    public record RootCause(CauseKind kind, String group, Optional<String> instance, Duration at, int lost, int before) {
        public RootCause {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(at, "at");
        }
    }

    /** The closed set of root causes, with their names in {@code report.json}. */
    public enum CauseKind {
        ENGINE_KILL("engine-kill", "engine kill"),
        /** A zone experiment's kills ({@code selection.mode: zone}): the members of a group it took together. */
        ENGINE_ZONE_KILL("engine-zone-kill", "engine zone kill"),
        FAULT_TERMINATE("fault-terminate", "terminate fault"),
        ZONE_OUTAGE("zone-outage", "zone outage"),
        LAUNCH_CAPACITY_ERROR("launch-capacity-error", "launch capacity error"),
        OVERLOAD_CRASH("overload-crash", "overload crash");

        private final String wireName;
        private final String words;

        CauseKind(String wireName, String words) {
            this.wireName = wireName;
            this.words = words;
        }

        public String wireName() {
            return wireName;
        }

        /** For sentences: "engine kill". */
        public String words() {
            return words;
        }

        /** The kind of loss an {@code instance.terminating} event's {@code cause} stands for. */
        static CauseKind ofTermination(String cause) {
            return switch (cause) {
                case "api" -> ENGINE_KILL;
                case dev.macaque.simulated.SimulatedProvider.BATCH_CAUSE -> ENGINE_ZONE_KILL;
                case "zone-outage" -> ZONE_OUTAGE;
                case "overload" -> OVERLOAD_CRASH;
                default -> FAULT_TERMINATE;
            };
        }
    }
}
