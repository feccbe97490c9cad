package dev.macaque.simulated;

import dev.macaque.simulated.eventlog.EventLog;
import dev.macaque.simulated.eventlog.EventSink;
import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.simulated.events.EventQueue;
import dev.macaque.simulated.events.SimEvent;
import dev.macaque.simulated.random.DeterministicRandom;
import dev.macaque.simulated.scenario.FaultSpec;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ServiceSpec;
import dev.macaque.spi.LifecycleState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A deterministic discrete-event simulation of a cloud: groups of instances that replace lost members, services
 * they serve, faults, and exact availability and recovery metrics.
 *
 * <h2>Time and order</h2>
 * Virtual time is a {@code long} of nanoseconds since {@link #start()}; it moves only when the next event is taken
 * from the queue (or when a run reaches its end). Events are ordered by (time, insertion sequence), the sequence
 * being this world's own counter. Randomness comes from one seeded stream, with one child stream per group named
 * after the group. Same groups, services, faults, seed and driving code ⇒ the same event log, byte for byte.
 *
 * <h2>Driving it</h2>
 * <ul>
 *   <li>Offline: {@link #runUntil(Instant)} / {@link #runFor(Duration)} fire every event due, as fast as possible.</li>
 *   <li>Real time: {@link #runRealTime(double, Clock, System.Logger)} starts a daemon thread that keeps virtual time
 *       at {@code speed ×} the elapsed real time.</li>
 * </ul>
 *
 * <h2>Embedding code (the experiment engine)</h2>
 * Code that runs inside the simulation reads time from {@link #clock()}, schedules work into the same queue with
 * {@link #schedule(Instant, Runnable)} / {@link #scheduleAfter(Duration, Runnable)} and appends to the same event
 * log with {@link #log(String, Object...)}, so world and engine events share one deterministic order.
 *
 * <h2>Threads</h2>
 * The world is single-threaded inside: events fire one at a time on the thread that runs the world. Every public
 * method synchronizes on the world, so providers and the real-time driver can share it; tasks run while the lock is
 * held and may call back into the world and its providers.
 */
public final class SimulatedWorld {
    /** The start instant used when none is given: the same everywhere, so logs do not depend on the wall clock. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final String name;
    private final long seed;
    private final Instant start;
    private final EventQueue queue = new EventQueue();
    private final EventLog log;
    private final List<GroupState> groups = new ArrayList<>();
    private final List<GroupState> groupsByRegionAndName;
    private final Map<String, GroupState> groupsByName = new HashMap<>();
    private final Map<String, List<GroupState>> groupsByRegion = new HashMap<>();
    private final List<ServiceState> services = new ArrayList<>();
    private final Map<String, ServiceState> servicesByName = new HashMap<>();
    private final Map<String, Long> zoneDownUntil = new HashMap<>();
    private final Map<String, SimulatedProvider> providers = new HashMap<>();
    private final List<FaultSpec> faults;
    private final VirtualClock clock = new VirtualClock(ZoneOffset.UTC);
    private boolean started;
    private boolean dispatching;
    private RealTimeDriver driver;

    private SimulatedWorld(String name, long seed, Instant start, List<GroupSpec> groupSpecs, List<ServiceSpec> serviceSpecs,
                           List<FaultSpec> faults) {
        this.name = Objects.requireNonNull(name, "name");
        this.seed = seed;
        this.start = Objects.requireNonNull(start, "start");
        this.log = new EventLog(queue::now);
        this.faults = List.copyOf(faults);
        DeterministicRandom root = new DeterministicRandom(seed);
        for (GroupSpec spec : groupSpecs) {
            if (groupsByName.containsKey(spec.name())) {
                throw new IllegalArgumentException("two groups are called '" + spec.name() + "'");
            }
            GroupState group = new GroupState(this, spec, root.child("group:" + spec.name()));
            groups.add(group);
            groupsByName.put(spec.name(), group);
            groupsByRegion.computeIfAbsent(spec.region(), r -> new ArrayList<>()).add(group);
            for (int i = 0; i < spec.desired(); i++) {
                int zone = leastLoadedZone(group, true);
                InstanceState instance = new InstanceState(group, group.nextInstanceId(), zone, 0, LifecycleState.IN_SERVICE, true);
                addMember(group, instance);
                group.healthy++;
            }
        }
        groupsByRegionAndName = groups.stream()
                .sorted(Comparator.comparing((GroupState g) -> g.spec.region()).thenComparing(GroupState::name)).toList();
        buildServices(serviceSpecs);
        for (FaultSpec fault : this.faults) {
            scheduleFault(fault);
        }
    }

    /** A world of {@code scenario}'s groups, services and faults with its seed, starting at {@link #DEFAULT_START}. */
    public static SimulatedWorld of(Scenario scenario) {
        return of(scenario, DEFAULT_START);
    }

    /** A world of {@code scenario}'s groups, services and faults with its seed, whose virtual time starts at {@code start}. */
    public static SimulatedWorld of(Scenario scenario, Instant start) {
        return new SimulatedWorld(scenario.name(), scenario.seed(), start, scenario.groups(), scenario.services(), scenario.faults());
    }

    /** Builds a world in code (tests, benchmarks). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a world in code. Defaults: name {@code world}, seed 0, start {@link #DEFAULT_START}. */
    public static final class Builder {
        private String name = "world";
        private long seed;
        private Instant start = DEFAULT_START;
        private final List<GroupSpec> groups = new ArrayList<>();
        private final List<ServiceSpec> services = new ArrayList<>();
        private final List<FaultSpec> faults = new ArrayList<>();

        private Builder() {
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder start(Instant value) {
            start = value;
            return this;
        }

        public Builder group(GroupSpec spec) {
            groups.add(spec);
            return this;
        }

        public Builder service(ServiceSpec spec) {
            services.add(spec);
            return this;
        }

        public Builder fault(FaultSpec spec) {
            faults.add(spec);
            return this;
        }

        public SimulatedWorld build() {
            return new SimulatedWorld(name, seed, start, groups, services, faults);
        }
    }

    // ------------------------------------------------------------------ public API: identity and time

    public String name() {
        return name;
    }

    public long seed() {
        return seed;
    }

    /** The instant virtual time 0 corresponds to. */
    public Instant start() {
        return start;
    }

    /** The current virtual instant. In real-time mode, time is first brought up to the coupled instant. */
    public synchronized Instant now() {
        catchUp();
        return start.plusNanos(queue.now());
    }

    /** Virtual time elapsed since {@link #start()}. */
    public synchronized Duration elapsed() {
        catchUp();
        return Duration.ofNanos(queue.now());
    }

    /** A clock reading this world's virtual time (UTC). Never the wall clock. */
    public Clock clock() {
        return clock;
    }

    /** Events waiting in the queue (world events and scheduled tasks). */
    public synchronized int pendingEvents() {
        return queue.size();
    }

    /** How many events were ever scheduled; a measure of work done. */
    public synchronized long scheduledEvents() {
        return queue.scheduledCount();
    }

    // ------------------------------------------------------------------ public API: scheduling and logging

    /**
     * Runs {@code task} at virtual instant {@code at}, after every event already scheduled for that instant.
     *
     * @throws IllegalArgumentException when {@code at} is in the virtual past
     */
    public synchronized ScheduledTask schedule(Instant at, Runnable task) {
        long nanos = toNanos(at);
        if (nanos < queue.now()) {
            throw new IllegalArgumentException("cannot schedule a task at " + at + ", before the world's now " + now());
        }
        TaskEvent event = new TaskEvent(task);
        queue.schedule(event, nanos);
        notifyAll();
        return event;
    }

    /** Runs {@code task} {@code delay} after the current virtual instant. */
    public synchronized ScheduledTask scheduleAfter(Duration delay, Runnable task) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, was " + delay);
        }
        catchUp();
        return schedule(start.plusNanos(queue.now()).plus(delay), task);
    }

    /**
     * Appends an event to the world's log at the current virtual time. Fields are alternating names and values
     * (strings, numbers, booleans, null; other objects are written with {@code toString()}):
     * {@code world.log("experiment.started", "run", runId, "target", "api")}.
     */
    public synchronized void log(String type, Object... namesAndValues) {
        catchUp();
        ensureStarted();
        log.log(type, namesAndValues);
    }

    /** Appends an event with fields in list order. */
    public synchronized void log(String type, List<LoggedEvent.Field> fields) {
        catchUp();
        ensureStarted();
        log.log(type, fields);
    }

    /** Registers a sink that receives every event logged from now on. Add sinks before running to get the whole log. */
    public synchronized void addEventSink(EventSink sink) {
        log.addSink(sink);
    }

    public synchronized void removeEventSink(EventSink sink) {
        log.removeSink(sink);
    }

    /** How many events have been logged. */
    public synchronized long loggedEvents() {
        return log.count();
    }

    // ------------------------------------------------------------------ public API: running

    /**
     * Fires every event due up to {@code end} in order, then sets virtual time to {@code end}.
     *
     * @throws IllegalStateException while the world is driven in real time
     */
    public synchronized void runUntil(Instant end) {
        requireOffline();
        runUntilNanos(toNanos(end));
    }

    /** Runs for {@code duration} of virtual time from now; see {@link #runUntil(Instant)}. */
    public synchronized void runFor(Duration duration) {
        requireOffline();
        runUntilNanos(queue.now() + duration.toNanos());
    }

    /** Fires the next event, if any; returns whether one fired. See {@link #runUntil(Instant)}. */
    public synchronized boolean step() {
        requireOffline();
        ensureStarted();
        return fireNext(Long.MAX_VALUE);
    }

    private void requireOffline() {
        if (driver != null && driver.isRunning()) {
            throw new IllegalStateException("world " + name + " is driven in real time; stop its RealTimeDriver before "
                    + "running it offline");
        }
    }

    /**
     * Couples virtual time to real time: a daemon thread keeps virtual time at {@code speed} × the real time elapsed
     * on {@code realClock} since this call. Stop it with {@link RealTimeDriver#stop()}.
     *
     * @param logger where failures of scheduled tasks are reported (the driver keeps running)
     */
    public synchronized RealTimeDriver runRealTime(double speed, Clock realClock, System.Logger logger) {
        if (driver != null && driver.isRunning()) {
            throw new IllegalStateException("world " + name + " is already driven in real time");
        }
        ensureStarted();
        driver = new RealTimeDriver(this, speed, realClock, logger);
        driver.start();
        return driver;
    }

    // ------------------------------------------------------------------ public API: providers and metrics

    /**
     * The provider over this world whose groups carry {@code instanceId} as their provider id; the same object for
     * the same id, so idempotency keys are remembered across callers. Closing it does not stop the world.
     */
    public synchronized SimulatedProvider provider(String instanceId) {
        return providers.computeIfAbsent(Objects.requireNonNull(instanceId, "instanceId"),
                id -> new SimulatedProvider(this, id, null));
    }

    /** Names of the groups, in definition order. */
    public synchronized List<String> groupNames() {
        return groups.stream().map(GroupState::name).toList();
    }

    /** Names of the services, dependencies before the services calling them. */
    public synchronized List<String> serviceNames() {
        return services.stream().map(ServiceState::name).toList();
    }

    /** Exact request totals of {@code service} from the start up to now. */
    public synchronized ServiceMetrics serviceMetrics(String service) {
        catchUp();
        ServiceState state = service(service);
        integrateAll();
        return new ServiceMetrics(state.name(), state.offered, state.served);
    }

    /** Served ÷ offered requests of {@code service} from the start up to now, in percent. */
    public double availability(String service) {
        return serviceMetrics(service).availabilityPercent();
    }

    /** The success ratio of {@code service} right now, in [0, 1]. */
    public synchronized double successRatio(String service) {
        catchUp();
        return service(service).ratioAt(queue.now());
    }

    /** Change points of {@code service}'s capacity, load and success ratio, from the start. */
    public synchronized List<SeriesPoint> series(String service) {
        catchUp();
        return service(service).series();
    }

    /** Recovery episodes of {@code group}, in order; the last may still be open. */
    public synchronized List<RecoveryEpisode> recoveryEpisodes(String group) {
        catchUp();
        GroupState state = group(group);
        List<RecoveryEpisode> episodes = new ArrayList<>(state.episodes);
        if (state.episodeOpen) {
            episodes.add(new RecoveryEpisode(state.name(), Duration.ofNanos(state.episodeStartNanos), Optional.empty(),
                    state.episodeTarget));
        }
        return episodes;
    }

    /** Recovery episodes of every group, ordered by when they began, then by group definition order. */
    public synchronized List<RecoveryEpisode> allRecoveryEpisodes() {
        List<RecoveryEpisode> all = new ArrayList<>();
        for (GroupState group : groups) {
            all.addAll(recoveryEpisodes(group.name()));
        }
        all.sort(Comparator.comparing(RecoveryEpisode::leftService));
        return all;
    }

    /**
     * Stretches in which {@code service} served less than its load, in order; the last is still open (no end, totals
     * up to now) when the service is short now.
     */
    public synchronized List<Shortfall> shortfalls(String service) {
        catchUp();
        ServiceState state = service(service);
        integrateAll();
        List<Shortfall> all = new ArrayList<>(state.shortfalls);
        if (state.shortNow) {
            all.add(new Shortfall(state.name(), Duration.ofNanos(state.shortSinceNanos), Optional.empty(), state.shortCulprit,
                    state.offered - state.offeredAtShortStart, state.served - state.servedAtShortStart));
        }
        return all;
    }

    /** Healthy in-service members of {@code group} per zone right now, in the group's zone order. */
    public synchronized Map<String, Integer> healthyByZone(String group) {
        catchUp();
        GroupState state = group(group);
        Map<String, Integer> byZone = new LinkedHashMap<>();
        for (String zone : state.spec.zones()) {
            byZone.put(zone, 0);
        }
        for (InstanceState instance : state.members) {
            if (instance.isHealthyInService()) {
                byZone.merge(state.spec.zones().get(instance.zoneIndex), 1, Integer::sum);
            }
        }
        return byZone;
    }

    /** The service names {@code service} calls directly, in its spec's order. */
    public synchronized List<String> dependenciesOf(String service) {
        return service(service).spec.dependsOn();
    }

    /** Healthy in-service members of {@code group} right now. */
    public synchronized int healthyCount(String group) {
        catchUp();
        return group(group).healthy;
    }

    /** Ids of {@code group}'s current members (every state but TERMINATED), in id order. */
    public synchronized List<String> memberIds(String group) {
        catchUp();
        return group(group).members.stream().map(i -> i.id).toList();
    }

    /**
     * Terminates one healthy in-service member of {@code group} picked with the group's random stream, as a world
     * fault; returns its id, or empty when the group has no healthy member.
     */
    public synchronized Optional<String> terminateRandomMember(String group, String cause) {
        catchUp();
        GroupState state = group(group);
        return Optional.ofNullable(terminateRandomHealthy(state, cause)).map(i -> i.id);
    }

    // ------------------------------------------------------------------ package-private: used by the provider

    List<GroupState> groupsByRegionAndName() {
        return groupsByRegionAndName;
    }

    GroupState findGroup(String groupName) {
        return groupsByName.get(groupName);
    }

    long nowNanos() {
        return queue.now();
    }

    /** In real-time mode, fires everything due up to the coupled virtual instant; otherwise nothing. */
    void catchUp() {
        if (driver != null && driver.isRunning() && !dispatching) {
            driver.catchUp();
        }
    }

    /** Takes {@code instance} out of service for {@code cause}; returns false when it already was terminating or gone. */
    boolean terminate(InstanceState instance, String cause, String detail) {
        ensureStarted();
        if (instance.state == LifecycleState.TERMINATING || instance.state == LifecycleState.TERMINATED) {
            return false;
        }
        GroupState group = instance.group;
        boolean wasHealthy = instance.isHealthyInService();
        if (instance.isStarting()) {
            group.starting--;
        }
        group.active--;
        group.activeInZone[instance.zoneIndex]--;
        instance.state = LifecycleState.TERMINATING;
        instance.healthy = false;
        if (logging()) {
            String zone = group.spec.zones().get(instance.zoneIndex);
            if (detail == null) {
                log.log("instance.terminating", "group", group.name(), "instance", instance.id, "zone", zone, "cause", cause);
            } else {
                log.log("instance.terminating", "group", group.name(), "instance", instance.id, "zone", zone, "cause", cause,
                        "detail", detail);
            }
        }
        queue.schedule(instance, queue.now() + group.terminationNanos);
        if (wasHealthy) {
            setHealthy(group, group.healthy - 1);
        }
        replenish(group);
        return true;
    }

    // ------------------------------------------------------------------ running internals

    void runUntilNanos(long end) {
        ensureStarted();
        if (end < queue.now()) {
            throw new IllegalArgumentException("cannot run back in time to " + start.plusNanos(end) + "; now is "
                    + start.plusNanos(queue.now()));
        }
        while (fireNext(end)) {
            // fire everything due
        }
        queue.advanceTo(end);
    }

    /** Fires the next event due at or before {@code until}; the lock is held by the caller. */
    boolean fireNext(long until) {
        boolean wasDispatching = dispatching;
        dispatching = true;
        try {
            return queue.fireNext(until);
        } finally {
            dispatching = wasDispatching;
        }
    }

    long peekNanos() {
        return queue.peekTime();
    }

    /**
     * Whether to build the next world event: false when no sink listens, in which case the event is only counted, so
     * the hot path allocates nothing for it and sequence numbers stay the same with or without sinks.
     */
    private boolean logging() {
        if (log.hasSinks()) {
            return true;
        }
        log.skip();
        return false;
    }

    private void ensureStarted() {
        if (started) {
            return;
        }
        started = true;
        log.log("world.started", "name", name, "seed", seed, "start", start.toString(), "groups", groups.size(),
                "services", services.size(), "faults", faults.size());
        // Overload state and load-crossing events are set up here, not in the constructor, so that their log lines
        // follow world.started and reach sinks added after construction.
        for (ServiceState s : services) {
            checkLoad(s);
        }
        for (ServiceState s : services) {
            updateShortfall(s);
        }
    }

    private long toNanos(Instant at) {
        return Duration.between(start, at).toNanos();
    }

    // ------------------------------------------------------------------ lifecycle

    void onInstanceTransition(InstanceState instance) {
        GroupState group = instance.group;
        switch (instance.state) {
            case PENDING -> {
                instance.state = LifecycleState.IN_SERVICE;
                if (logging()) {
                    log.log("instance.in_service", "group", group.name(), "instance", instance.id);
                }
                if (group.healthCheckGraceNanos > 0) {
                    queue.schedule(instance, queue.now() + group.healthCheckGraceNanos);
                } else {
                    becomeHealthy(instance);
                }
            }
            case IN_SERVICE -> becomeHealthy(instance);
            case TERMINATING -> {
                instance.state = LifecycleState.TERMINATED;
                group.members.remove(instance);
                group.membersById.remove(instance.id);
                group.terminatedIds.add(instance.id);
                if (logging()) {
                    log.log("instance.terminated", "group", group.name(), "instance", instance.id);
                }
            }
            default -> throw new IllegalStateException("instance " + instance.id + " has no transition from " + instance.state);
        }
    }

    private void becomeHealthy(InstanceState instance) {
        GroupState group = instance.group;
        instance.healthy = true;
        instance.healthySinceNanos = queue.now();
        group.starting--;
        if (logging()) {
            log.log("instance.healthy", "group", group.name(), "instance", instance.id);
        }
        setHealthy(group, group.healthy + 1);
    }

    void onLaunch(GroupState group, GroupState.Launch launch) {
        group.launchesWaiting--;
        if (group.active >= group.spec.desired()) {
            return;
        }
        long now = queue.now();
        String failure = null;
        int zone = -1;
        if (now < group.launchBlockedUntilNanos) {
            failure = "insufficient-capacity";
        } else {
            zone = leastLoadedZone(group, false);
            if (zone < 0) {
                failure = "no-zone-available";
            } else if (group.spec.launchFailureRate() > 0 && group.random.nextDouble() < group.spec.launchFailureRate()) {
                failure = "launch-failed";
            }
        }
        if (failure != null) {
            if (logging()) {
                log.log("launch.failed", "group", group.name(), "reason", failure);
            }
            group.launchesWaiting++;
            queue.schedule(launch, now + group.replacementDelayNanos);
            return;
        }
        InstanceState instance = new InstanceState(group, group.nextInstanceId(), zone, now, LifecycleState.PENDING, false);
        addMember(group, instance);
        group.starting++;
        long boot = group.bootMinNanos == group.bootMaxNanos ? group.bootMinNanos
                : group.random.nextLongBetween(group.bootMinNanos, group.bootMaxNanos);
        if (logging()) {
            log.log("instance.launched", "group", group.name(), "instance", instance.id, "zone", group.spec.zones().get(zone),
                    "bootSeconds", boot / 1e9);
        }
        queue.schedule(instance, now + boot);
    }

    private void addMember(GroupState group, InstanceState instance) {
        group.members.add(instance);
        group.membersById.put(instance.id, instance);
        group.active++;
        group.activeInZone[instance.zoneIndex]++;
    }

    /** Schedules launches so that active members plus waiting launches reach the desired capacity. */
    private void replenish(GroupState group) {
        while (group.active + group.launchesWaiting < group.spec.desired()) {
            group.launchesWaiting++;
            queue.schedule(new GroupState.Launch(group), queue.now() + group.replacementDelayNanos);
        }
    }

    /** The available zone with the fewest active members (first in the group's list on ties), or -1. */
    private int leastLoadedZone(GroupState group, boolean ignoreOutages) {
        int best = -1;
        List<String> zones = group.spec.zones();
        for (int z = 0; z < zones.size(); z++) {
            if (!ignoreOutages && isZoneDown(group.spec.region(), zones.get(z))) {
                continue;
            }
            if (best < 0 || group.activeInZone[z] < group.activeInZone[best]) {
                best = z;
            }
        }
        return best;
    }

    private boolean isZoneDown(String region, String zone) {
        if (zoneDownUntil.isEmpty()) {
            return false;
        }
        Long until = zoneDownUntil.get(region + "/" + zone);
        return until != null && queue.now() < until;
    }

    private InstanceState terminateRandomHealthy(GroupState group, String cause) {
        if (group.healthy == 0) {
            return null;
        }
        int pick = group.random.nextInt(group.healthy);
        for (InstanceState instance : group.members) {
            if (instance.isHealthyInService() && pick-- == 0) {
                terminate(instance, cause, null);
                return instance;
            }
        }
        throw new IllegalStateException("group " + group.name() + " counts " + group.healthy + " healthy members but lists fewer");
    }

    // ------------------------------------------------------------------ health, recovery and availability

    private void setHealthy(GroupState group, int healthy) {
        int before = group.healthy;
        group.healthy = healthy;
        long now = queue.now();
        if (healthy < before && !group.episodeOpen) {
            group.episodeOpen = true;
            group.episodeStartNanos = now;
            group.episodeTarget = before;
            if (logging()) {
                log.log("group.degraded", "group", group.name(), "healthy", healthy, "before", before);
            }
        } else if (group.episodeOpen && healthy >= group.episodeTarget) {
            group.episodeOpen = false;
            RecoveryEpisode episode = new RecoveryEpisode(group.name(), Duration.ofNanos(group.episodeStartNanos),
                    Optional.of(Duration.ofNanos(now)), group.episodeTarget);
            group.episodes.add(episode);
            if (logging()) {
                log.log("group.recovered", "group", group.name(), "healthy", healthy, "seconds", episode.seconds());
            }
        }
        updateServices(group);
    }

    /** Integrates and refreshes every service whose success depends on {@code group}, then re-checks overloads. */
    private void updateServices(GroupState group) {
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

    /**
     * Opens or closes {@code service}'s shortfall stretch: it serves less than its load exactly while a service of its
     * dependency closure (itself included) is overloaded, since its success ratio is the product of
     * {@code min(1, capacity / load)} over that closure. Dependencies' states must be current (topological order).
     */
    private void updateShortfall(ServiceState service) {
        ServiceState culprit = service.overloaded ? service : null;
        for (ServiceState d : service.dependencies) {
            if (d.shortNow) {
                ServiceState candidate = servicesByName.get(d.shortCulprit);
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
            terminate(victim, "overload", "service " + service.name() + " above 100% utilisation for "
                    + Duration.ofNanos(service.crashAfterNanos));
        }
        if (service.overloaded && (service.crashCheck == null || !service.crashCheck.isScheduled())) {
            scheduleCrashCheck(service);
        }
    }

    private void integrateAll() {
        long now = queue.now();
        for (ServiceState s : services) {
            s.integrateTo(now);
        }
    }

    private final class LoadCrossing extends SimEvent {
        private final ServiceState service;

        LoadCrossing(ServiceState service) {
            this.service = service;
        }

        @Override
        protected void fire() {
            updateServices(service.group);
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

    // ------------------------------------------------------------------ faults

    private void scheduleFault(FaultSpec fault) {
        long at = fault.at().toNanos();
        if (fault instanceof FaultSpec.ZoneOutage outage) {
            List<GroupState> inRegion = groupsByRegion.getOrDefault(outage.region(), List.of());
            queue.schedule(new TaskEvent(() -> startZoneOutage(outage, inRegion)), at);
        } else if (fault instanceof FaultSpec.LaunchCapacityError error) {
            GroupState group = requireGroup(error.group(), "launchCapacityError");
            queue.schedule(new TaskEvent(() -> {
                group.launchBlockedUntilNanos = Math.max(group.launchBlockedUntilNanos, queue.now() + error.duration().toNanos());
                log.log("fault.launch_capacity_error.started", "group", group.name(), "seconds", error.duration().toNanos() / 1e9);
            }), at);
            queue.schedule(new TaskEvent(() -> log.log("fault.launch_capacity_error.ended", "group", group.name())),
                    at + error.duration().toNanos());
        } else if (fault instanceof FaultSpec.Termination termination) {
            GroupState group = requireGroup(termination.group(), "terminate");
            queue.schedule(new TaskEvent(() -> terminateRandomHealthy(group, "fault")), at);
        }
    }

    private void startZoneOutage(FaultSpec.ZoneOutage outage, List<GroupState> inRegion) {
        long end = queue.now() + outage.duration().toNanos();
        String key = outage.region() + "/" + outage.zone();
        zoneDownUntil.merge(key, end, Math::max);
        log.log("fault.zone_outage.started", "region", outage.region(), "zone", outage.zone(),
                "seconds", outage.duration().toNanos() / 1e9);
        for (GroupState group : inRegion) {
            int zone = group.spec.zones().indexOf(outage.zone());
            if (zone < 0) {
                continue;
            }
            for (InstanceState instance : new ArrayList<>(group.members)) {
                if (instance.zoneIndex == zone) {
                    terminate(instance, "zone-outage", null);
                }
            }
        }
        queue.schedule(new TaskEvent(() -> log.log("fault.zone_outage.ended", "region", outage.region(), "zone", outage.zone())), end);
    }

    private GroupState requireGroup(String groupName, String what) {
        GroupState group = groupsByName.get(groupName);
        if (group == null) {
            throw new IllegalArgumentException(what + " fault names group '" + groupName + "', which does not exist; groups: "
                    + new TreeSet<>(groupsByName.keySet()));
        }
        return group;
    }

    // ------------------------------------------------------------------ building services

    private void buildServices(List<ServiceSpec> specs) {
        Map<String, ServiceSpec> byName = new LinkedHashMap<>();
        for (ServiceSpec spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
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
            visit(spec, byName, mark, ordered, new ArrayList<>());
        }
        for (ServiceSpec spec : ordered) {
            long dayOffset = Math.floorMod(Duration.between(start.truncatedTo(java.time.temporal.ChronoUnit.DAYS), start).toNanos(),
                    dev.macaque.simulated.scenario.Load.DAY_NANOS);
            ServiceState state = new ServiceState(spec, groupsByName.get(spec.group()), services.size(), dayOffset);
            state.dependencies = spec.dependsOn().stream().map(servicesByName::get).toArray(ServiceState[]::new);
            state.constantClosure = state.load.isConstant();
            for (ServiceState d : state.dependencies) {
                state.constantClosure &= d.constantClosure;
            }
            services.add(state);
            servicesByName.put(spec.name(), state);
            state.group.servedServices.add(state);
        }
        // Each group affects the services it serves and every service depending on them, transitively.
        Map<ServiceState, List<ServiceState>> dependents = new HashMap<>();
        for (ServiceState s : services) {
            for (ServiceState d : s.dependencies) {
                dependents.computeIfAbsent(d, k -> new ArrayList<>()).add(s);
            }
        }
        for (GroupState group : groups) {
            TreeSet<ServiceState> affected = new TreeSet<>(Comparator.comparingInt((ServiceState s) -> s.topoIndex));
            List<ServiceState> work = new ArrayList<>(group.servedServices);
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

    GroupState group(String groupName) {
        GroupState group = groupsByName.get(groupName);
        if (group == null) {
            throw new IllegalArgumentException("no group '" + groupName + "' in world " + name + "; groups: "
                    + new TreeSet<>(groupsByName.keySet()));
        }
        return group;
    }

    private ServiceState service(String serviceName) {
        ServiceState service = servicesByName.get(serviceName);
        if (service == null) {
            throw new IllegalArgumentException("no service '" + serviceName + "' in world " + name + "; services: "
                    + new TreeSet<>(servicesByName.keySet()));
        }
        return service;
    }

    // ------------------------------------------------------------------ scheduled tasks and the virtual clock

    private final class TaskEvent extends SimEvent implements ScheduledTask {
        private final Runnable task;

        TaskEvent(Runnable task) {
            this.task = Objects.requireNonNull(task, "task");
        }

        @Override
        protected void fire() {
            task.run();
        }

        @Override
        public Instant at() {
            return start.plusNanos(time());
        }

        @Override
        public boolean isPending() {
            synchronized (SimulatedWorld.this) {
                return isScheduled();
            }
        }

        @Override
        public boolean cancel() {
            synchronized (SimulatedWorld.this) {
                return queue.cancel(this);
            }
        }
    }

    private final class VirtualClock extends Clock {
        private final ZoneId zone;

        VirtualClock(ZoneId zone) {
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId newZone) {
            return newZone.equals(zone) ? this : new VirtualClock(newZone);
        }

        @Override
        public Instant instant() {
            return now();
        }

        @Override
        public String toString() {
            return "VirtualClock[world=" + name + "]";
        }
    }
}
