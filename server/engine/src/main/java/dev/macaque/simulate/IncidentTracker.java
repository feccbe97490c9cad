package dev.macaque.simulate;

import dev.macaque.simulate.Incident.Cause;
import dev.macaque.simulate.Incident.CauseKind;
import dev.macaque.simulate.Incident.RootCause;
import dev.macaque.simulated.Shortfall;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.eventlog.EventSink;
import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds incidents from the world's own events, attributing each to causes with the model's own formula:
 * {@code ratio(s) = min(1, capacity(s) / load(s)) × Π ratio(d)} over the services {@code s} depends on. A service is
 * short exactly while some service of its dependency closure is overloaded (its own factor is below 1, <em>binding</em>).
 * <ul>
 *   <li>A binding factor is explained by the capacity losses of that service's group not yet recovered (a member that
 *       becomes healthy recovers the oldest loss first). Those are the incident's {@link Incident#causes()}: every
 *       loss behind a binding factor at some instant of the stretch; a loss that never met a binding factor, or was
 *       recovered before one, is not a cause.</li>
 *   <li>The root cause is the loss that turned the ratio below 1 when the stretch began: a loss of that instant, or
 *       else (the load rose across a capacity) the latest loss still unrecovered; when one event lowered several
 *       factors at once (a zone outage), the one it lowered most. A shortfall that began while the group's
 *       replacements could not launch for lack of capacity is that capacity error's doing. With no loss at all, the
 *       load alone exceeded the full capacity: no root cause, unless overload crashes followed, the first of which is
 *       then named; later crashes are causes like any loss, behind the root cause.</li>
 * </ul>
 * The world processes the events of one virtual instant one at a time (a zone outage terminates its members one
 * after the other), so nothing is judged until the instant is over: the state at the end of each instant is what
 * holds until the next one, whatever the processing order within it. Only world events are read (not the engine's),
 * so the engine's event format can change independently. At most {@value #MAX_INCIDENTS} incidents are kept, the
 * rest counted, and at most {@value #MAX_CAUSES} causes per incident.
 */
final class IncidentTracker implements EventSink {
    static final int MAX_INCIDENTS = 10_000;
    static final int MAX_CAUSES = 1_000;

    /** Members of a group lost at one instant for one reason; {@code remaining} of them not yet replaced. */
    private static final class Loss {
        final CauseKind kind;
        final String group;
        final long at;
        final int membersBefore;
        String instance;
        int lost;
        int remaining;

        Loss(CauseKind kind, String group, String instance, long at, int membersBefore) {
            this.kind = kind;
            this.group = group;
            this.instance = instance;
            this.at = at;
            this.membersBefore = membersBefore;
        }
    }

    private static final class GroupTrack {
        final GroupSpec spec;
        int healthy;
        /** Launched members not healthy yet: losing one costs no capacity. */
        final Set<String> starting = new HashSet<>();
        /** Losses not yet replaced, oldest first. */
        final Deque<Loss> unrecovered = new ArrayDeque<>();
        /** The first launch refused for lack of capacity while a loss was unrecovered, or -1. */
        long capacityErrorNanos = -1;

        GroupTrack(GroupSpec spec) {
            this.spec = spec;
            this.healthy = spec.desired();
        }
    }

    private record CauseKey(Loss loss, String service) {
    }

    private static final class OpenIncident {
        final String service;
        final long startNanos;
        long endNanos = -1;
        /** Judged when the instant it began is over. */
        boolean judged;
        List<String> path = List.of();
        Optional<RootCause> rootCause = Optional.empty();
        double load = Double.NaN;
        double capacity = Double.NaN;
        final Map<CauseKey, Cause> causes = new LinkedHashMap<>();
        int causesOmitted;
        Map<String, Map<String, Integer>> zonesAtStart = Map.of();

        OpenIncident(String service, long startNanos) {
            this.service = service;
            this.startNanos = startNanos;
        }
    }

    private final SimulatedWorld world;
    private final Map<String, ServiceSpec> services = new HashMap<>();
    /** Services in topological order (dependencies first): ties at one instant are broken by it. */
    private final Map<String, Integer> topoIndex = new HashMap<>();
    /** Each service's dependency closure, itself included, in topological order. */
    private final Map<String, List<String>> closure = new HashMap<>();
    private final Map<String, GroupTrack> groups = new HashMap<>();
    private final Set<String> overloaded = new HashSet<>();
    private final Map<String, OpenIncident> open = new LinkedHashMap<>();
    /** Stretches that ended in the instant being processed: one that starts again in the same instant goes on. */
    private final Map<String, OpenIncident> ending = new LinkedHashMap<>();
    private final List<OpenIncident> done = new ArrayList<>();
    private long omitted;
    private long instant = Long.MIN_VALUE;
    private boolean changed;

    IncidentTracker(SimulatedWorld world, Scenario scenario) {
        this.world = world;
        scenario.services().forEach(s -> services.put(s.name(), s));
        scenario.groups().forEach(g -> groups.put(g.name(), new GroupTrack(g)));
        List<String> ordered = world.serviceNames();
        for (int i = 0; i < ordered.size(); i++) {
            topoIndex.put(ordered.get(i), i);
        }
        for (String s : ordered) {
            Set<String> all = new HashSet<>(List.of(s));
            for (String d : services.get(s).dependsOn()) {
                all.addAll(closure.get(d));
            }
            closure.put(s, all.stream().sorted(Comparator.comparing(topoIndex::get)).toList());
        }
    }

    @Override
    public void accept(LoggedEvent event) {
        if (event.timeNanos() != instant) {
            endInstant();
            instant = event.timeNanos();
        }
        switch (event.type()) {
            case "instance.launched" -> groups.get((String) event.field("group")).starting.add((String) event.field("instance"));
            case "instance.healthy" -> onHealthy(event);
            case "instance.terminating" -> onTerminating(event);
            case "launch.failed" -> {
                GroupTrack group = groups.get((String) event.field("group"));
                if (group.capacityErrorNanos < 0 && !group.unrecovered.isEmpty()
                        && "insufficient-capacity".equals(event.field("reason"))) {
                    group.capacityErrorNanos = event.timeNanos();
                }
            }
            case "service.overloaded" -> {
                overloaded.add((String) event.field("service"));
                changed = true;
            }
            case "service.overload_ended" -> overloaded.remove((String) event.field("service"));
            case "service.shortfall_started" -> onShortfallStarted(event);
            case "service.shortfall_ended" -> {
                OpenIncident incident = open.remove((String) event.field("service"));
                if (incident != null) {
                    incident.endNanos = event.timeNanos();
                    ending.put(incident.service, incident);
                }
            }
            default -> {
            }
        }
    }

    private void onHealthy(LoggedEvent event) {
        GroupTrack group = groups.get((String) event.field("group"));
        group.starting.remove((String) event.field("instance"));
        group.healthy++;
        Loss oldest = group.unrecovered.peekFirst();
        if (oldest != null && --oldest.remaining == 0) {
            group.unrecovered.removeFirst();
            if (group.unrecovered.isEmpty()) {
                group.capacityErrorNanos = -1;
            }
        }
    }

    private void onTerminating(LoggedEvent event) {
        GroupTrack group = groups.get((String) event.field("group"));
        String instance = (String) event.field("instance");
        if (group.starting.remove(instance)) {
            return; // not healthy yet: no capacity lost
        }
        CauseKind kind = CauseKind.ofTermination((String) event.field("cause"));
        Loss last = group.unrecovered.peekLast();
        if (last != null && last.at == event.timeNanos() && last.kind == kind) {
            last.lost++;
            last.remaining++;
            last.instance = null; // several were lost: no single instance to name
        } else {
            Loss loss = new Loss(kind, group.spec.name(), instance, event.timeNanos(), group.healthy);
            loss.lost = 1;
            loss.remaining = 1;
            group.unrecovered.addLast(loss);
        }
        group.healthy--;
        changed = true;
    }

    private void onShortfallStarted(LoggedEvent event) {
        String service = (String) event.field("service");
        OpenIncident resumed = ending.remove(service);
        if (resumed != null) {
            // It ended and began again within one instant: judged together, it never ended.
            resumed.endNanos = -1;
            open.put(service, resumed);
            return;
        }
        OpenIncident incident = new OpenIncident(service, event.timeNanos());
        open.put(service, incident);
        changed = true;
        // Every same-instant event already queued (a zone outage's other terminations) runs before this placement read.
        world.schedule(world.now(), () -> {
            Map<String, Map<String, Integer>> zones = new LinkedHashMap<>();
            for (String s : closure.get(service)) {
                zones.putIfAbsent(services.get(s).group(), world.healthyByZone(services.get(s).group()));
            }
            incident.zonesAtStart = zones;
        });
    }

    /** Judges the instant just over: its end state holds until the next event. */
    private void endInstant() {
        for (OpenIncident incident : ending.values()) {
            if (incident.endNanos > incident.startNanos) {
                finishIncident(incident);
            }
            // A stretch that began and ended within one instant never was: the processing order made it.
        }
        ending.clear();
        if (!changed) {
            return;
        }
        changed = false;
        for (OpenIncident incident : open.values()) {
            if (!incident.judged) {
                judgeStart(incident);
                incident.judged = true;
            }
            addCauses(incident);
        }
    }

    /** The root cause and path of a stretch that began in the instant just over. */
    private void judgeStart(OpenIncident incident) {
        long at = instant;
        String bestService = null;
        Loss best = null;
        double bestFactor = Double.NaN;
        for (String s : closure.get(incident.service)) {
            if (!overloaded.contains(s)) {
                continue;
            }
            double factor = factor(s, at);
            GroupTrack group = groups.get(services.get(s).group());
            Loss latest = group.unrecovered.peekLast();
            if (bestService == null || better(latest, factor, s, best, bestFactor, bestService, at)) {
                bestService = s;
                best = latest;
                bestFactor = factor;
            }
        }
        if (bestService == null) {
            bestService = incident.service; // unreachable: a short service has an overloaded service in its closure
        }
        incident.path = path(bestService, incident.service);
        incident.load = world.loadAt(bestService, Duration.ofNanos(at));
        incident.capacity = capacity(bestService);
        if (best != null) {
            GroupTrack group = groups.get(best.group);
            if (group.capacityErrorNanos >= 0 && group.capacityErrorNanos < at) {
                int unreplaced = group.unrecovered.stream().mapToInt(l -> l.remaining).sum() - best.remaining;
                incident.rootCause = Optional.of(new RootCause(CauseKind.LAUNCH_CAPACITY_ERROR, best.group, Optional.empty(),
                        Duration.ofNanos(group.capacityErrorNanos), unreplaced, group.spec.desired()));
            } else {
                incident.rootCause = Optional.of(rootCause(best));
            }
        }
    }

    /**
     * Whether (loss, factor) of service {@code s} explains the start better than the best so far: a loss of this very
     * instant first, then the smaller factor, then the later loss, then the deeper dependency.
     */
    private boolean better(Loss loss, double factor, String s, Loss best, double bestFactor, String bestService, long at) {
        boolean now = loss != null && loss.at == at;
        boolean bestNow = best != null && best.at == at;
        if (now != bestNow) {
            return now;
        }
        if ((loss != null) != (best != null)) {
            return loss != null;
        }
        if (factor != bestFactor) {
            return factor < bestFactor;
        }
        if (loss != null && loss.at != best.at) {
            return loss.at > best.at;
        }
        return topoIndex.get(s) < topoIndex.get(bestService);
    }

    private static RootCause rootCause(Loss loss) {
        return new RootCause(loss.kind, loss.group, Optional.ofNullable(loss.instance), Duration.ofNanos(loss.at), loss.lost,
                loss.membersBefore);
    }

    /** Adds every unrecovered loss behind a factor binding now. */
    private void addCauses(OpenIncident incident) {
        for (String s : closure.get(incident.service)) {
            if (!overloaded.contains(s)) {
                continue;
            }
            ServiceSpec spec = services.get(s);
            for (Loss loss : groups.get(spec.group()).unrecovered) {
                CauseKey key = new CauseKey(loss, s);
                if (incident.causes.containsKey(key)) {
                    continue;
                }
                if (incident.causes.size() >= MAX_CAUSES) {
                    incident.causesOmitted++;
                    continue;
                }
                incident.causes.put(key, new Cause(loss.kind, loss.group, Optional.ofNullable(loss.instance),
                        Duration.ofNanos(loss.at), s, loss.membersBefore * spec.capacityPerInstance(),
                        (loss.membersBefore - loss.lost) * spec.capacityPerInstance(), world.loadAt(s, Duration.ofNanos(loss.at)),
                        loss.lost, loss.membersBefore));
            }
        }
    }

    private double capacity(String service) {
        ServiceSpec spec = services.get(service);
        return groups.get(spec.group()).healthy * spec.capacityPerInstance();
    }

    private double factor(String service, long at) {
        double load = world.loadAt(service, Duration.ofNanos(at));
        double capacity = capacity(service);
        return load <= capacity ? 1 : capacity / load;
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

    private void finishIncident(OpenIncident incident) {
        if (done.size() >= MAX_INCIDENTS) {
            omitted++;
            return;
        }
        done.add(incident);
    }

    /** Closes the stretches still open at the end. */
    void finish() {
        endInstant();
        changed = true;
        for (OpenIncident incident : open.values()) {
            if (!incident.judged) {
                judgeStart(incident);
                incident.judged = true;
                addCauses(incident);
            }
            finishIncident(incident);
        }
        open.clear();
    }

    /** Incidents by start, at most {@value #MAX_INCIDENTS}. */
    List<Incident> incidents() {
        Map<String, List<Shortfall>> shortfalls = new HashMap<>();
        List<Incident> all = new ArrayList<>(done.size());
        for (OpenIncident o : done) {
            all.add(toIncident(o, shortfalls.computeIfAbsent(o.service, world::shortfalls)));
        }
        all.sort(Comparator.comparing(Incident::start).thenComparing(i -> topoIndex.get(i.service())));
        return all;
    }

    private Incident toIncident(OpenIncident o, List<Shortfall> shortfalls) {
        // The world's exact request totals over the stretch, which may be several of its stretches judged as one.
        double offered = 0;
        double served = 0;
        int low = 0;
        int high = shortfalls.size();
        while (low < high) { // the first stretch from the incident's start on (they are in time order)
            int mid = (low + high) >>> 1;
            if (shortfalls.get(mid).from().toNanos() < o.startNanos) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        for (int i = low; i < shortfalls.size(); i++) {
            Shortfall s = shortfalls.get(i);
            long to = s.to().map(Duration::toNanos).orElse(Long.MAX_VALUE);
            if (o.endNanos >= 0 && to > o.endNanos) {
                break;
            }
            offered += s.offeredRequests();
            served += s.servedRequests();
        }
        double unserved = offered > 0 ? 100 * (offered - served) / offered : 0;
        List<Cause> causes = new ArrayList<>(o.causes.values());
        causes.sort(Comparator.comparing(Cause::at).thenComparing(c -> topoIndex.get(c.service())));
        String culprit = o.path.get(0);
        String culpritGroup = services.get(culprit).group();
        Optional<RootCause> root = o.rootCause;
        int crashes = 0;
        Optional<Duration> firstCrash = Optional.empty();
        for (Cause c : causes) {
            if (c.kind() == CauseKind.OVERLOAD_CRASH && c.group().equals(culpritGroup) && c.at().toNanos() >= o.startNanos) {
                crashes += c.lost();
                if (firstCrash.isEmpty()) {
                    firstCrash = Optional.of(c.at());
                    if (root.isEmpty()) {
                        root = Optional.of(new RootCause(c.kind(), c.group(), c.instance(), c.at(), c.lost(), c.membersBefore()));
                    }
                }
            }
        }
        Map<String, Map<String, Integer>> zones = new LinkedHashMap<>();
        for (String s : new LinkedHashSet<>(o.path)) {
            String group = services.get(s).group();
            Map<String, Integer> placement = o.zonesAtStart.get(group);
            if (placement != null) {
                zones.putIfAbsent(group, placement);
            }
        }
        return new Incident(o.service, Duration.ofNanos(o.startNanos),
                o.endNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(o.endNanos)), unserved, root, o.path, o.load,
                o.capacity, crashes, firstCrash, zones, causes, o.causesOmitted);
    }

    long omitted() {
        return omitted;
    }
}
