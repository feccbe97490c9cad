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
 * <h2>Inside</h2>
 * This class is the event loop, the scheduling and logging API and the queries; the simulation itself is done by
 * collaborators with one job each: {@link GroupLifecycle} (launches, boots, health checks, terminations, recovery
 * episodes), {@link ServiceGraph} (services, dependencies, availability, overloads and their crashes, shortfalls) and
 * {@link FaultSchedule} (the scenario's faults). Instance ids are written only when asked for (see {@link GroupState}).
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
    private final Map<String, SimulatedProvider> providers = new HashMap<>();
    private final GroupLifecycle lifecycle;
    private final ServiceGraph services;
    private final int faultCount;
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
        // The lifecycle tells the service graph of health changes; the graph crashes members through the lifecycle.
        this.lifecycle = new GroupLifecycle(queue, log, this::healthChanged);
        Map<String, List<GroupState>> groupsByRegion = new HashMap<>();
        DeterministicRandom root = new DeterministicRandom(seed);
        for (GroupSpec spec : groupSpecs) {
            if (groupsByName.containsKey(spec.name())) {
                throw new IllegalArgumentException("two groups are called '" + spec.name() + "'");
            }
            GroupState group = new GroupState(lifecycle, spec, root.child("group:" + spec.name()));
            groups.add(group);
            groupsByName.put(spec.name(), group);
            groupsByRegion.computeIfAbsent(spec.region(), r -> new ArrayList<>()).add(group);
            lifecycle.populate(group);
        }
        groupsByRegionAndName = groups.stream()
                .sorted(Comparator.comparing((GroupState g) -> g.spec.region()).thenComparing(GroupState::name)).toList();
        this.services = new ServiceGraph(serviceSpecs, groupsByName, groups, start, queue, log,
                (instance, detail) -> lifecycle.terminate(instance, "overload", detail));
        this.faultCount = faults.size();
        FaultSchedule faultSchedule = new FaultSchedule(queue, log, lifecycle, groupsByName, groupsByRegion);
        for (FaultSpec fault : faults) {
            faultSchedule.schedule(fault);
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
        return scheduleAt(nanos, task);
    }

    private TaskEvent scheduleAt(long nanos, Runnable task) {
        TaskEvent event = new TaskEvent(task);
        queue.schedule(event, nanos);
        if (driver != null) {
            notifyAll(); // the real-time driver may be waiting for an earlier event than it knew of
        }
        return event;
    }

    /** Runs {@code task} {@code delay} after the current virtual instant. */
    public synchronized ScheduledTask scheduleAfter(Duration delay, Runnable task) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0, was " + delay);
        }
        catchUp();
        return scheduleAt(Math.addExact(queue.now(), delay.toNanos()), task);
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
        return services.services().stream().map(ServiceState::name).toList();
    }

    /** Exact request totals of {@code service} from the start up to now. */
    public synchronized ServiceMetrics serviceMetrics(String service) {
        catchUp();
        ServiceState state = service(service);
        services.integrateAll();
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

    /** {@code service}'s offered load at {@code since} the world's start, requests/second: a pure function of time. */
    public synchronized double loadAt(String service, Duration since) {
        return service(service).loadAt(since.toNanos());
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
        List<RecoveryEpisode> episodes = new ArrayList<>(state.episodes.size() + 1);
        state.episodes.addTo(state.name(), episodes);
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
        services.integrateAll();
        return services.shortfalls(state);
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
        return group(group).members.stream().map(InstanceState::id).toList();
    }

    /**
     * Terminates one healthy in-service member of {@code group} picked with the group's random stream, as a world
     * fault; returns its id, or empty when the group has no healthy member.
     */
    public synchronized Optional<String> terminateRandomMember(String group, String cause) {
        catchUp();
        GroupState state = group(group);
        if (state.healthy > 0) {
            ensureStarted(); // as a termination does, before it logs
        }
        return Optional.ofNullable(lifecycle.terminateRandomHealthy(state, cause)).map(InstanceState::id);
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
        return lifecycle.terminate(instance, cause, detail);
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

    private void ensureStarted() {
        if (started) {
            return;
        }
        started = true;
        log.log("world.started", "name", name, "seed", seed, "start", start.toString(), "groups", groups.size(),
                "services", services.services().size(), "faults", faultCount);
        services.start();
    }

    private long toNanos(Instant at) {
        return Duration.between(start, at).toNanos();
    }

    private void healthChanged(GroupState group) {
        services.groupHealthChanged(group);
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
        ServiceState service = services.find(serviceName);
        if (service == null) {
            throw new IllegalArgumentException("no service '" + serviceName + "' in world " + name + "; services: "
                    + services.sortedNames());
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
