package dev.macaque.spi.testing;

import dev.macaque.spi.CloudProvider;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tiny, synchronous cloud for tests of code that sits above the SPI: groups heal only when {@link #heal()} is
 * called. It is the reference the contract kit is checked against, so it follows the SPI to the letter.
 */
public final class InMemoryCloud implements CloudProvider {
    private final String id;
    private final Map<GroupRef, GroupState> groups = new LinkedHashMap<>();
    private final Set<String> terminated = new HashSet<>();
    private int nextInstance = 1;

    private static final class GroupState {
        final GroupSummary summary;
        final List<Instance> members = new ArrayList<>();

        GroupState(GroupSummary summary) {
            this.summary = summary;
        }
    }

    public InMemoryCloud(String id) {
        this.id = id;
    }

    /** Adds a group with {@code desired} healthy members. */
    public synchronized InMemoryCloud group(String region, String name, int desired, Map<String, String> tags) {
        GroupRef ref = new GroupRef(id, region, name);
        GroupState state = new GroupState(new GroupSummary(ref, desired, tags));
        groups.put(ref, state);
        for (int i = 0; i < desired; i++) {
            state.members.add(newInstance());
        }
        return this;
    }

    /** Replaces every missing member of every group at once. */
    public synchronized void heal() {
        for (GroupState state : groups.values()) {
            while (state.members.size() < state.summary.desiredCapacity()) {
                state.members.add(newInstance());
            }
        }
    }

    private Instance newInstance() {
        return new Instance(String.format("vm-%04d", nextInstance++), "a", LifecycleState.IN_SERVICE, true, Instant.EPOCH);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return "in-memory";
    }

    @Override
    public synchronized List<GroupSummary> listGroups(GroupFilter filter) {
        return groups.values().stream().map(s -> s.summary)
                .filter(s -> filter.matches(s.ref().region(), s.tags()))
                .sorted(Comparator.comparing((GroupSummary s) -> s.ref().region()).thenComparing(s -> s.ref().name()))
                .toList();
    }

    @Override
    public synchronized VmGroup describeGroup(GroupRef group) {
        GroupState state = state(group);
        return new VmGroup(state.summary, state.members);
    }

    @Override
    public synchronized GroupHealth health(GroupRef group) {
        GroupState state = state(group);
        return new GroupHealth(group, state.summary.desiredCapacity(), state.members.size(), 0);
    }

    @Override
    public synchronized TerminationResult terminate(TerminationRequest request) {
        GroupState state = state(request.group());
        if (terminated.contains(request.group() + "/" + request.instanceId())) {
            return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.ALREADY_TERMINATED,
                    "already terminated");
        }
        boolean member = state.members.stream().anyMatch(i -> i.id().equals(request.instanceId()));
        if (!member) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND,
                    "instance " + request.instanceId() + " is not a member of " + request.group());
        }
        if (request.dryRun()) {
            return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE,
                    "instance is a member; nothing changed");
        }
        state.members.removeIf(i -> i.id().equals(request.instanceId()));
        terminated.add(request.group() + "/" + request.instanceId());
        return new TerminationResult(request.group(), request.instanceId(), TerminationResult.Outcome.TERMINATED, "removed");
    }

    private GroupState state(GroupRef group) {
        GroupState state = groups.get(group);
        if (state == null) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no group " + group);
        }
        return state;
    }
}
