package dev.macaque.simulate;

import dev.macaque.simulate.Incident.CauseKind;
import dev.macaque.simulate.Incident.RootCause;
import dev.macaque.simulated.Shortfall;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.eventlog.EventSink;
import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds incidents from the world's own events as they are logged: every shortfall stretch of a service becomes an
 * incident whose root cause is found in the group serving the stretch's culprit (the overloaded service of its
 * dependency closure):
 * <ul>
 *   <li>the loss that opened that group's degraded period (kill, fault, zone outage, or an overload crash when the
 *       load alone started it), so a crash caused by an earlier kill points to the kill;</li>
 *   <li>unless the stretch began later, while the group's replacement launches were failing for lack of capacity:
 *       then the launch capacity error is what made the difference;</li>
 *   <li>with no member lost, the load alone exceeded the full capacity: no root cause, unless overload crashes
 *       followed, the first of which is then named.</li>
 * </ul>
 * Only world events are read (not the engine's), so the engine's event format can change independently. At most
 * {@value #MAX_INCIDENTS} incidents are kept; the rest are counted.
 */
final class IncidentTracker implements EventSink {
    static final int MAX_INCIDENTS = 10_000;

    /** The open degraded period of a group and what opened it. */
    private static final class Degradation {
        RootCause cause;
        /** Members lost at the instant the period opened, with the same cause (a zone outage takes several). */
        int lost;
        long capacityErrorNanos = -1;

        RootCause rootCause() {
            // An instance is named only when one was lost: a zone outage takes several.
            return new RootCause(cause.kind(), cause.group(), lost == 1 ? cause.instance() : Optional.empty(), cause.at(), lost,
                    cause.before());
        }
    }

    private static final class OpenIncident {
        final String service;
        final long startNanos;
        final List<String> path;
        final String culpritGroup;
        RootCause cause;
        final Degradation degradation;
        final double load;
        final double capacity;
        int crashes;
        long firstCrashNanos = -1;
        Map<String, Map<String, Integer>> zones;

        OpenIncident(String service, long startNanos, List<String> path, String culpritGroup, RootCause cause,
                     Degradation degradation, double load, double capacity, Map<String, Map<String, Integer>> zones) {
            this.degradation = degradation;
            this.service = service;
            this.startNanos = startNanos;
            this.path = path;
            this.culpritGroup = culpritGroup;
            this.cause = cause;
            this.load = load;
            this.capacity = capacity;
            this.zones = zones;
        }
    }

    private final SimulatedWorld world;
    private final Map<String, ServiceSpec> services = new HashMap<>();
    private final Map<String, String> lastLossCause = new HashMap<>();
    private final Map<String, String> lastLossInstance = new HashMap<>();
    private final Map<String, Degradation> degraded = new HashMap<>();
    private final Map<String, double[]> overloadNumbers = new HashMap<>();
    /** Open incidents by service; also listed by culprit group so crashes can be counted. */
    private final Map<String, OpenIncident> open = new LinkedHashMap<>();
    private final List<Incident> incidents = new ArrayList<>();
    private long omitted;

    IncidentTracker(SimulatedWorld world, Scenario scenario) {
        this.world = world;
        scenario.services().forEach(s -> services.put(s.name(), s));
    }

    @Override
    public void accept(LoggedEvent event) {
        switch (event.type()) {
            case "instance.terminating" -> onTerminating(event);
            case "group.degraded" -> onDegraded(event);
            case "group.recovered" -> degraded.remove((String) event.field("group"));
            case "launch.failed" -> {
                Degradation d = degraded.get((String) event.field("group"));
                if (d != null && d.capacityErrorNanos < 0 && "insufficient-capacity".equals(event.field("reason"))) {
                    d.capacityErrorNanos = event.timeNanos();
                }
            }
            case "service.overloaded" -> overloadNumbers.put((String) event.field("service"),
                    new double[] {((Number) event.field("load")).doubleValue(), ((Number) event.field("capacity")).doubleValue()});
            case "service.shortfall_started" -> onShortfallStarted(event);
            case "service.shortfall_ended" -> {
                OpenIncident incident = open.remove((String) event.field("service"));
                if (incident != null) {
                    close(incident, Optional.of(Duration.ofNanos(event.timeNanos())),
                            ((Number) event.field("unservedPercent")).doubleValue());
                }
            }
            default -> {
            }
        }
    }

    private void onTerminating(LoggedEvent event) {
        String group = (String) event.field("group");
        String cause = (String) event.field("cause");
        lastLossCause.put(group, cause);
        lastLossInstance.put(group, (String) event.field("instance"));
        Degradation d = degraded.get(group);
        if (d != null && d.cause.at().toNanos() == event.timeNanos() && d.cause.kind() == CauseKind.ofTermination(cause)) {
            d.lost++;
        }
        if ("overload".equals(cause)) {
            for (OpenIncident incident : open.values()) {
                if (incident.culpritGroup.equals(group)) {
                    incident.crashes++;
                    if (incident.firstCrashNanos < 0) {
                        incident.firstCrashNanos = event.timeNanos();
                    }
                    if (incident.cause == null) {
                        incident.cause = new RootCause(CauseKind.OVERLOAD_CRASH, group, Optional.of((String) event.field("instance")),
                                Duration.ofNanos(event.timeNanos()), 1, world.healthyCount(group));
                    }
                }
            }
        }
    }

    private void onDegraded(LoggedEvent event) {
        String group = (String) event.field("group");
        int healthy = ((Number) event.field("healthy")).intValue();
        int before = ((Number) event.field("before")).intValue();
        Degradation d = new Degradation();
        String cause = lastLossCause.getOrDefault(group, "fault");
        d.cause = new RootCause(CauseKind.ofTermination(cause), group, Optional.ofNullable(lastLossInstance.get(group)),
                Duration.ofNanos(event.timeNanos()), before - healthy, before);
        d.lost = before - healthy;
        degraded.put(group, d);
    }

    private void onShortfallStarted(LoggedEvent event) {
        String service = (String) event.field("service");
        String culprit = (String) event.field("culprit");
        String group = services.get(culprit).group();
        Degradation d = degraded.get(group);
        RootCause cause = null;
        Degradation opening = null;
        if (d != null) {
            cause = d.cause;
            opening = d;
            if (d.capacityErrorNanos >= 0 && event.timeNanos() > d.cause.at().toNanos()) {
                cause = new RootCause(CauseKind.LAUNCH_CAPACITY_ERROR, group, Optional.empty(), Duration.ofNanos(d.capacityErrorNanos),
                        d.lost, d.cause.before());
                opening = null;
            }
        }
        List<String> path = path(culprit, service);
        Map<String, Map<String, Integer>> zones = placement(path);
        double[] numbers = overloadNumbers.getOrDefault(culprit, new double[] {Double.NaN, Double.NaN});
        OpenIncident incident = new OpenIncident(service, event.timeNanos(), path, group, cause, opening, numbers[0], numbers[1], zones);
        open.put(service, incident);
        // A zone outage takes its members one by one within the same instant: read the placement once it is over.
        world.schedule(world.now(), () -> incident.zones = placement(path));
    }

    private Map<String, Map<String, Integer>> placement(List<String> path) {
        Map<String, Map<String, Integer>> zones = new LinkedHashMap<>();
        for (String s : path) {
            zones.putIfAbsent(services.get(s).group(), world.healthyByZone(services.get(s).group()));
        }
        return zones;
    }

    /** The shortest chain of services from {@code from} up to {@code to} along {@code dependsOn} (breadth first). */
    private List<String> path(String from, String to) {
        Map<String, String> calledBy = new HashMap<>();
        Deque<String> work = new ArrayDeque<>(List.of(to));
        calledBy.put(to, null);
        while (!work.isEmpty()) {
            String s = work.removeFirst();
            if (s.equals(from)) {
                break;
            }
            for (String d : services.get(s).dependsOn()) {
                if (!calledBy.containsKey(d)) {
                    calledBy.put(d, s);
                    work.addLast(d);
                }
            }
        }
        List<String> path = new ArrayList<>();
        for (String s = from; s != null; s = calledBy.get(s)) {
            path.add(s);
        }
        return path;
    }

    private void close(OpenIncident incident, Optional<Duration> end, double unservedPercent) {
        if (incidents.size() >= MAX_INCIDENTS) {
            omitted++;
            return;
        }
        double capacity = incident.capacity;
        if (incident.degradation != null) {
            // What the losses that opened the period left, not the capacity after the first of several same-instant losses.
            Degradation d = incident.degradation;
            capacity = (d.cause.before() - d.lost) * services.get(incident.path.get(0)).capacityPerInstance();
        }
        incidents.add(new Incident(incident.service, Duration.ofNanos(incident.startNanos), end, unservedPercent,
                Optional.ofNullable(incident.degradation != null ? incident.degradation.rootCause() : incident.cause), incident.path,
                incident.load, capacity, incident.crashes,
                incident.firstCrashNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(incident.firstCrashNanos)),
                incident.zones));
    }

    /** Closes the stretches still open at the end with the world's totals so far. */
    void finish() {
        for (OpenIncident incident : open.values()) {
            List<Shortfall> shortfalls = world.shortfalls(incident.service);
            close(incident, Optional.empty(), shortfalls.get(shortfalls.size() - 1).unservedPercent());
        }
        open.clear();
    }

    /** Incidents in the order they ended (those open at the end last), at most {@value #MAX_INCIDENTS}. */
    List<Incident> incidents() {
        List<Incident> sorted = new ArrayList<>(incidents);
        sorted.sort(java.util.Comparator.comparing(Incident::start));
        return sorted;
    }

    long omitted() {
        return omitted;
    }
}
