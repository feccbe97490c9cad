package dev.macaque.engine;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A test cloud driven by the test's {@link TaskScheduler}: a terminated member is replaced after
 * {@link #replaceAfter} (or never), failures are scripted per operation, and every call is recorded.
 */
final class ScriptedCloud implements CloudProvider {
    private final String id;
    private final TaskScheduler scheduler;
    private final Map<GroupRef, GroupSummary> summaries = new LinkedHashMap<>();
    private final Map<GroupRef, List<String>> members = new LinkedHashMap<>();
    private final Map<String, String> zoneOf = new java.util.HashMap<>();
    private int nextInstance = 1;
    private Duration replaceAfter;

    final Deque<ProviderException> listFailures = new ArrayDeque<>();
    final Deque<ProviderException> describeFailures = new ArrayDeque<>();
    final Deque<ProviderException> terminateFailures = new ArrayDeque<>();
    final Deque<ProviderException> healthFailures = new ArrayDeque<>();
    final List<TerminationRequest> terminateCalls = new ArrayList<>();
    final List<Instant> terminateCallTimes = new ArrayList<>();
    /** Each terminateMembers call's requests (they then go through {@link #terminate} one by one, the SPI's default). */
    final List<List<TerminationRequest>> batchCalls = new ArrayList<>();
    Consumer<TerminationRequest> beforeTerminate = request -> { };
    /** Runs before every terminateMembers call goes in: may throw to fail the batch call as a whole. */
    Consumer<GroupRef> beforeBatch = group -> { };
    /** Runs after every listGroups, before its answer is used: a group's tags may change between list and describe. */
    Runnable afterList = () -> { };
    final List<GroupRef> describeGroupCalls = new ArrayList<>();
    final List<List<GroupRef>> describeGroupsCalls = new ArrayList<>();
    /** true: describeGroups reads every group in one call, as a cloud's batch API does; false: the SPI's default. */
    boolean batched;
    /**
     * A batched cloud reads members in its listing's pass (SPI 1.3 {@code listingCarriesMembers}): discovery takes
     * them from the listing. Otherwise discovery draws on listed counts and reads only the groups drawn.
     */
    @Override
    public boolean listingCarriesMembers() {
        return batched;
    }

    /** What the batched read reports it could not reach. */
    final List<String> unreachable = new ArrayList<>();
    /** Groups (by name) whose members a read of groups drawn from the listing cannot read: reported unreachable. */
    final java.util.Set<String> unreadable = new java.util.HashSet<>();

    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        List<GroupSummary> readable = listed.stream().filter(g -> !unreadable.contains(g.ref().name())).toList();
        DescribedGroups read = describeGroups(readable.stream().map(GroupSummary::ref).toList());
        List<String> notReached = new ArrayList<>(read.unreachable());
        listed.stream().filter(g -> unreadable.contains(g.ref().name()))
                .forEach(g -> notReached.add(g.ref() + ": PERMISSION_DENIED: no read on its members"));
        return new DescribedGroups(read.groups(), read.notFound(), notReached);
    }

    ScriptedCloud(String id, TaskScheduler scheduler) {
        this.id = id;
        this.scheduler = scheduler;
    }

    ScriptedCloud group(String region, String name, int desired, Map<String, String> tags) {
        GroupRef ref = new GroupRef(id, region, name);
        summaries.put(ref, new GroupSummary(ref, desired, tags));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < desired; i++) {
            ids.add(newInstanceId());
        }
        members.put(ref, ids);
        return this;
    }

    /** Gives the group other tags from now on (its owner edited them). */
    void retag(String region, String name, Map<String, String> tags) {
        GroupRef ref = new GroupRef(id, region, name);
        summaries.put(ref, new GroupSummary(ref, summaries.get(ref).desiredCapacity(), tags));
    }

    /**
     * Puts a group's members in zones, in member order (members not named stay in zone "a"); a replacement is
     * launched in its predecessor's zone, as an auto-scaling group rebalances.
     */
    ScriptedCloud zones(String region, String name, String... zones) {
        List<String> ids = members.get(new GroupRef(id, region, name));
        for (int i = 0; i < zones.length; i++) {
            zoneOf.put(ids.get(i), zones[i]);
        }
        return this;
    }

    /** Terminated members are replaced this long after termination; {@code null}: never. */
    ScriptedCloud replaceAfter(Duration delay) {
        this.replaceAfter = delay;
        return this;
    }

    /** Removes the group's last {@code count} members with no replacement: the group lists more than it has. */
    ScriptedCloud loseMembers(String region, String name, int count) {
        List<String> ids = members.get(new GroupRef(id, region, name));
        for (int i = 0; i < count; i++) {
            ids.remove(ids.size() - 1);
        }
        return this;
    }

    int memberCount(String region, String name) {
        return members.get(new GroupRef(id, region, name)).size();
    }

    private String newInstanceId() {
        return String.format("i-%04d", nextInstance++);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return "scripted";
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        throwScripted(listFailures);
        List<GroupSummary> listed = summaries.values().stream().filter(s -> filter.matches(s.ref().region(), s.tags()))
                .sorted(Comparator.comparing((GroupSummary s) -> s.ref().region()).thenComparing(s -> s.ref().name()))
                .toList();
        afterList.run();
        return listed;
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        describeGroupCalls.add(group);
        throwScripted(describeFailures);
        return read(group);
    }

    @Override
    public DescribedGroups describeGroups(List<GroupRef> groups) {
        describeGroupsCalls.add(List.copyOf(groups));
        if (!batched) {
            return CloudProvider.super.describeGroups(groups);
        }
        throwScripted(describeFailures);
        List<VmGroup> found = new ArrayList<>();
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        for (GroupRef group : groups) {
            if (summaries.containsKey(group)) {
                found.add(read(group));
            } else {
                notFound.put(group, "no group " + group);
            }
        }
        return new DescribedGroups(found, notFound, unreachable);
    }

    private VmGroup read(GroupRef group) {
        GroupSummary summary = summary(group);
        List<Instance> instances = members.get(group).stream()
                .map(i -> new Instance(i, zoneOf.getOrDefault(i, "a"), LifecycleState.IN_SERVICE, true, Instant.EPOCH)).toList();
        return new VmGroup(summary, instances);
    }

    @Override
    public GroupHealth health(GroupRef group) {
        throwScripted(healthFailures);
        GroupSummary summary = summary(group);
        return new GroupHealth(group, summary.desiredCapacity(), members.get(group).size(), 0);
    }

    @Override
    public List<dev.macaque.spi.MemberTermination> terminateMembers(GroupRef group, List<TerminationRequest> requests) {
        batchCalls.add(List.copyOf(requests));
        beforeBatch.accept(group);
        return CloudProvider.super.terminateMembers(group, requests);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        terminateCalls.add(request);
        terminateCallTimes.add(scheduler.now());
        beforeTerminate.accept(request);
        throwScripted(terminateFailures);
        summary(request.group());
        List<String> ids = members.get(request.group());
        if (!ids.contains(request.instanceId())) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, request.instanceId() + " is not a member of " + request.group());
        }
        if (request.dryRun()) {
            return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE,
                    "member; nothing changed");
        }
        ids.remove(request.instanceId());
        if (replaceAfter != null) {
            String zone = zoneOf.getOrDefault(request.instanceId(), "a");
            scheduler.schedule(replaceAfter, () -> {
                String replacement = newInstanceId();
                zoneOf.put(replacement, zone);
                ids.add(replacement);
            });
        }
        return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.TERMINATED, "terminated");
    }

    private GroupSummary summary(GroupRef group) {
        GroupSummary summary = summaries.get(group);
        if (summary == null) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no group " + group);
        }
        return summary;
    }

    private static void throwScripted(Deque<ProviderException> failures) {
        ProviderException next = failures.poll();
        if (next != null) {
            throw next;
        }
    }
}
