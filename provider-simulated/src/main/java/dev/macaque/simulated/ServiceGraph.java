package dev.macaque.simulated;

import dev.macaque.simulated.eventlog.EventLog;
import dev.macaque.simulated.events.EventQueue;
import dev.macaque.simulated.events.SimEvent;
import dev.macaque.simulated.scenario.Load;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The services, their dependencies and their availability: exact request integrals, overloads and the crashes they
 * cause, and shortfall stretches. A change of a group's health reaches every service depending on it through
 * {@link #groupHealthChanged(GroupState)}; overload crashes go back to the groups through {@code crash}.
 */
final class ServiceGraph {
    /** Takes a member of an overloaded service out of service. */
    @FunctionalInterface
    interface OverloadCrash {
        void crash(InstanceState instance, String detail);
    }

    private final EventQueue queue;
    private final EventLog log;
    private final OverloadCrash crash;
    /** Dependencies before the services calling them. */
    private final List<ServiceState> services = new ArrayList<>();
    private final Map<String, ServiceState> byName = new HashMap<>();

    ServiceGraph(List<ServiceSpec> specs, Map<String, GroupState> groupsByName, List<GroupState> groups, Instant start,
                 EventQueue queue, EventLog log, OverloadCrash crash) {
        this.queue = queue;
        this.log = log;
        this.crash = crash;
        build(specs, groupsByName, groups, start);
    }

    List<ServiceState> services() {
        return services;
    }

    /** The service called {@code name}, or null. */
    ServiceState find(String name) {
        return byName.get(name);
    }

    /** Names of the services, sorted: for error messages. */
    TreeSet<String> sortedNames() {
        return new TreeSet<>(byName.keySet());
    }

    /**
     * Sets up overload state and load-crossing events when the world starts (not when it is built), so that their log
     * lines follow {@code world.started} and reach sinks added after construction.
     */
    void start() {
        for (ServiceState s : services) {
            checkLoad(s);
        }
        for (ServiceState s : services) {
            updateShortfall(s);
        }
    }

    /** Brings every service's request totals up to now. */
    void integrateAll() {
        long now = queue.now();
        for (ServiceState s : services) {
            s.integrateTo(now);
        }
    }

    /** Integrates and refreshes every service whose success depends on {@code group}, then re-checks overloads. */
    void groupHealthChanged(GroupState group) {
        ServiceState[] affected = group.affectedServices;
        if (affected.length == 0) {
            return;
        }
        long now = queue.now();
        for (ServiceState s : affected) {
            s.integrateTo(now);
        }
        for (ServiceState s : affected) {
            s.refresh(now);
        }
        for (ServiceState s : group.servedServices) {
            checkLoad(s);
        }
        for (ServiceState s : affected) {
            updateShortfall(s);
        }
    }

    /** {@code service}'s shortfall stretches, the open one (totals up to now) last; call after {@link #integrateAll()}. */
    List<Shortfall> shortfalls(ServiceState service) {
        List<Shortfall> all = new ArrayList<>(service.shortfalls == null ? List.of() : service.shortfalls);
        if (service.shortNow) {
            all.add(new Shortfall(service.name(), Duration.ofNanos(service.shortSinceNanos), Optional.empty(), service.shortCulprit,
                    service.offered - service.offeredAtShortStart, service.served - service.servedAtShortStart));
        }
        return all;
    }

    /**
     * Opens or closes {@code service}'s shortfall stretch: it serves less than its load exactly while a service of its
     * dependency closure (itself included) is overloaded, since its success ratio is the product of
     * {@code min(1, capacity / load)} over that closure. Dependencies' states must be current (topological order).
     */
    private void updateShortfall(ServiceState service) {
        ServiceState culprit = service.overloaded ? service : null;
        for (ServiceState d : service.dependencies) {
            if (d.shortNow) {
                ServiceState candidate = byName.get(d.shortCulprit);
                if (culprit == null || candidate.overloadSinceNanos < culprit.overloadSinceNanos
                        || (candidate.overloadSinceNanos == culprit.overloadSinceNanos && candidate.topoIndex < culprit.topoIndex)) {
                    culprit = candidate;
                }
            }
        }
        long now = queue.now();
        if (culprit != null && !service.shortNow) {
            service.shortNow = true;
            service.shortSinceNanos = now;
            service.shortCulprit = culprit.name();
            service.offeredAtShortStart = service.offered;
            service.servedAtShortStart = service.served;
            log.log("service.shortfall_started", "service", service.name(), "culprit", culprit.name());
        } else if (culprit == null && service.shortNow) {
            service.shortNow = false;
            Shortfall done = new Shortfall(service.name(), Duration.ofNanos(service.shortSinceNanos), Optional.of(Duration.ofNanos(now)),
                    service.shortCulprit, service.offered - service.offeredAtShortStart, service.served - service.servedAtShortStart);
            if (service.shortfalls == null) {
                service.shortfalls = new ArrayList<>();
            }
            service.shortfalls.add(done);
            log.log("service.shortfall_ended", "service", service.name(), "seconds", (now - service.shortSinceNanos) / 1e9,
                    "unservedPercent", done.unservedPercent());
        }
    }

    /** Re-evaluates whether {@code service} is overloaded and schedules its next load crossing and crash check. */
    private void checkLoad(ServiceState service) {
        long now = queue.now();
        long crossing = service.nextCrossing(now);
        if (crossing != Long.MAX_VALUE) {
            if (service.crossing == null) {
                service.crossing = new LoadCrossing(service);
            }
            queue.schedule(service.crossing, crossing);
        } else if (service.crossing != null) {
            queue.cancel(service.crossing);
        }
        boolean overloaded = service.overloadedAfter(now, crossing);
        if (overloaded && !service.overloaded) {
            service.overloaded = true;
            service.overloadSinceNanos = now;
            log.log("service.overloaded", "service", service.name(), "capacity", service.capacity, "load", service.loadAt(now));
        } else if (!overloaded && service.overloaded) {
            service.overloaded = false;
            if (service.crashCheck != null) {
                queue.cancel(service.crashCheck);
            }
            log.log("service.overload_ended", "service", service.name(), "capacity", service.capacity, "load", service.loadAt(now));
        }
        if (service.overloaded && service.crashAfterNanos > 0
                && (service.crashCheck == null || !service.crashCheck.isScheduled())) {
            scheduleCrashCheck(service);
        }
    }

    /** The next instant a healthy member of an overloaded service has been overloaded for {@code overloadCrashAfter}. */
    private void scheduleCrashCheck(ServiceState service) {
        long earliest = Long.MAX_VALUE;
        for (InstanceState instance : service.group.members) {
            if (instance.isHealthyInService()) {
                earliest = Math.min(earliest, Math.max(service.overloadSinceNanos, instance.healthySinceNanos));
            }
        }
        if (earliest == Long.MAX_VALUE) {
            return;
        }
        if (service.crashCheck == null) {
            service.crashCheck = new CrashCheck(service);
        }
        queue.schedule(service.crashCheck, Math.max(queue.now(), earliest + service.crashAfterNanos));
    }

    private void onCrashCheck(ServiceState service) {
        if (!service.overloaded) {
            return;
        }
        long now = queue.now();
        List<InstanceState> victims = new ArrayList<>();
        for (InstanceState instance : service.group.members) {
            if (instance.isHealthyInService()
                    && Math.max(service.overloadSinceNanos, instance.healthySinceNanos) + service.crashAfterNanos <= now) {
                victims.add(instance);
            }
        }
        for (InstanceState victim : victims) {
            crash.crash(victim, "service " + service.name() + " above 100% utilisation for "
                    + Duration.ofNanos(service.crashAfterNanos));
        }
        if (service.overloaded && (service.crashCheck == null || !service.crashCheck.isScheduled())) {
            scheduleCrashCheck(service);
        }
    }

    private final class LoadCrossing extends SimEvent {
        private final ServiceState service;

        LoadCrossing(ServiceState service) {
            this.service = service;
        }

        @Override
        protected void fire() {
            groupHealthChanged(service.group);
        }
    }

    private final class CrashCheck extends SimEvent {
        private final ServiceState service;

        CrashCheck(ServiceState service) {
            this.service = service;
        }

        @Override
        protected void fire() {
            onCrashCheck(service);
        }
    }

    // ------------------------------------------------------------------ building the graph

    private void build(List<ServiceSpec> specs, Map<String, GroupState> groupsByName, List<GroupState> groups, Instant start) {
        Map<String, ServiceSpec> specsByName = new LinkedHashMap<>();
        for (ServiceSpec spec : specs) {
            if (specsByName.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("two services are called '" + spec.name() + "'");
            }
            if (!groupsByName.containsKey(spec.group())) {
                throw new IllegalArgumentException("service " + spec.name() + " is served by group '" + spec.group()
                        + "', which does not exist");
            }
        }
        // Topological order (dependencies first), stable with respect to definition order.
        List<ServiceSpec> ordered = new ArrayList<>();
        Map<String, Integer> mark = new HashMap<>();
        for (ServiceSpec spec : specs) {
            visit(spec, specsByName, mark, ordered, new ArrayList<>());
        }
        long dayOffset = Math.floorMod(Duration.between(start.truncatedTo(ChronoUnit.DAYS), start).toNanos(), Load.DAY_NANOS);
        for (ServiceSpec spec : ordered) {
            ServiceState state = new ServiceState(spec, groupsByName.get(spec.group()), services.size(), dayOffset);
            if (!spec.dependsOn().isEmpty()) {
                state.dependencies = spec.dependsOn().stream().map(byName::get).toArray(ServiceState[]::new);
            }
            state.constantClosure = state.load.isConstant();
            for (ServiceState d : state.dependencies) {
                state.constantClosure &= d.constantClosure;
            }
            services.add(state);
            byName.put(spec.name(), state);
            state.group.addServedService(state);
        }
        // Each group affects the services it serves and every service depending on them, transitively.
        Map<ServiceState, List<ServiceState>> dependents = new HashMap<>();
        for (ServiceState s : services) {
            for (ServiceState d : s.dependencies) {
                dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s);
            }
        }
        for (GroupState group : groups) {
            if (group.servedServices.length == 0) {
                continue;
            }
            if (group.servedServices.length == 1 && !dependents.containsKey(group.servedServices[0])) {
                group.affectedServices = group.servedServices;
                continue;
            }
            TreeSet<ServiceState> affected = new TreeSet<>(Comparator.comparingInt((ServiceState s) -> s.topoIndex));
            List<ServiceState> work = new ArrayList<>(List.of(group.servedServices));
            while (!work.isEmpty()) {
                ServiceState s = work.remove(work.size() - 1);
                if (affected.add(s)) {
                    work.addAll(dependents.getOrDefault(s, List.of()));
                }
            }
            group.affectedServices = affected.toArray(ServiceState[]::new);
        }
        for (ServiceState s : services) {
            s.refresh(0);
        }
    }

    private static void visit(ServiceSpec spec, Map<String, ServiceSpec> byName, Map<String, Integer> mark,
                              List<ServiceSpec> ordered, List<String> path) {
        Integer state = mark.get(spec.name());
        if (state != null && state == 2) {
            return;
        }
        path.add(spec.name());
        if (state != null) {
            throw new IllegalArgumentException("services depend on each other in a cycle: " + String.join(" -> ", path));
        }
        mark.put(spec.name(), 1);
        for (String dependency : spec.dependsOn()) {
            ServiceSpec d = byName.get(dependency);
            if (d == null) {
                throw new IllegalArgumentException("service " + spec.name() + " depends on '" + dependency
                        + "', which does not exist");
            }
            visit(d, byName, mark, ordered, path);
        }
        path.remove(path.size() - 1);
        mark.put(spec.name(), 2);
        ordered.add(spec);
    }
}
