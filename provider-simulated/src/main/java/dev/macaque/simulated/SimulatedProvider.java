package dev.macaque.simulated;

import dev.macaque.text.Instants;
import dev.macaque.text.Durations;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The provider SPI over a {@link SimulatedWorld}. Every call synchronizes on the world (in real-time mode the world
 * is first brought up to the coupled instant), so it is safe from any thread.
 *
 * <p>Terminations are world events: the member goes {@code TERMINATING} at the current virtual instant and the
 * group replaces it after its replacement delay.
 */
public final class SimulatedProvider implements CloudProvider {
    public static final String TYPE = "simulated";

    private final SimulatedWorld world;
    private final String id;
    private final AutoCloseable onClose;
    /** Idempotency key → the instance it terminated; lookup only. */
    private final Map<String, String> terminationsByKey = new HashMap<>();
    private boolean closed;

    SimulatedProvider(SimulatedWorld world, String id, AutoCloseable onClose) {
        this.world = Objects.requireNonNull(world, "world");
        this.id = Objects.requireNonNull(id, "id");
        this.onClose = onClose;
    }

    /** The world behind this provider (for the simulation runner and tests). */
    public SimulatedWorld world() {
        return world;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        Objects.requireNonNull(filter, "filter");
        synchronized (world) {
            world.catchUp();
            List<GroupSummary> result = new ArrayList<>();
            for (GroupState group : world.groupsByRegionAndName()) {
                if (filter.matches(group.spec.region(), group.spec.tags())) {
                    result.add(summary(group));
                }
            }
            return result;
        }
    }

    /**
     * The world is in memory: members cost no call, so discovery reads them with the listing and selection never
     * works on assumed counts (SPI 1.3). Simulations keep their victims exactly.
     */
    @Override
    public boolean listingCarriesMembers() {
        return true;
    }

    @Override
    public VmGroup describeGroup(GroupRef ref) {
        synchronized (world) {
            world.catchUp();
            GroupState group = group(ref);
            List<Instance> instances = new ArrayList<>(group.members.size());
            for (InstanceState member : group.members) {
                instances.add(new Instance(member.id(), group.spec.zones().get(member.zoneIndex), member.state, member.healthy,
                        world.start().plusNanos(member.launchNanos)));
            }
            return new VmGroup(summary(group), instances);
        }
    }

    @Override
    public GroupHealth health(GroupRef ref) {
        synchronized (world) {
            world.catchUp();
            GroupState group = group(ref);
            return new GroupHealth(ref, group.spec.desired(), group.healthy, group.starting);
        }
    }

    /** The cause the world records for members killed together by {@link #terminateMembers} (a zone outage's). */
    public static final String BATCH_CAUSE = "api-batch";

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        return terminate(request, "api");
    }

    /**
     * Several members at once, atomically in virtual time (the world does not move between them), each with its own
     * outcome. The engine kills a zone outage's members of a group this way; the world records them with cause
     * {@value #BATCH_CAUSE}, so that an offline report can tell an outage from single kills.
     */
    @Override
    public java.util.List<dev.macaque.spi.MemberTermination> terminateMembers(GroupRef group,
                                                                            java.util.List<TerminationRequest> requests) {
        java.util.List<dev.macaque.spi.MemberTermination> outcomes = new java.util.ArrayList<>();
        synchronized (world) {
            for (TerminationRequest request : requests) {
                if (!request.group().equals(group)) {
                    throw new IllegalArgumentException("request for " + request.group() + " in a call for " + group);
                }
                try {
                    outcomes.add(dev.macaque.spi.MemberTermination.done(request, terminate(request, BATCH_CAUSE)));
                } catch (ProviderException e) {
                    outcomes.add(dev.macaque.spi.MemberTermination.failed(request, e));
                }
            }
        }
        return outcomes;
    }

    private TerminationResult terminate(TerminationRequest request, String cause) {
        Objects.requireNonNull(request, "request");
        synchronized (world) {
            world.catchUp();
            GroupRef ref = request.group();
            GroupState group = group(ref);
            String instanceId = request.instanceId();
            String earlier = request.dryRun() ? null : terminationsByKey.get(request.idempotencyKey());
            if (earlier != null) {
                return new TerminationResult(ref, instanceId, TerminationResult.Outcome.ALREADY_TERMINATED,
                        "idempotency key " + request.idempotencyKey() + " already terminated " + earlier + "; nothing done");
            }
            InstanceState member = group.member(instanceId);
            if (member == null && group.wasTerminated(instanceId)) {
                return new TerminationResult(ref, instanceId, TerminationResult.Outcome.ALREADY_TERMINATED,
                        "instance " + instanceId + " is already terminated");
            }
            if (member == null) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND,
                        "instance " + instanceId + " is not a member of group " + ref);
            }
            if (member.state == LifecycleState.TERMINATING) {
                return new TerminationResult(ref, instanceId, TerminationResult.Outcome.ALREADY_TERMINATED,
                        "instance " + instanceId + " is already terminating");
            }
            if (request.dryRun()) {
                return new TerminationResult(ref, instanceId, TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE,
                        "proven: " + instanceId + " is a member of " + ref + " (" + member.state + ") at virtual time "
                                + Instants.format(world.now()) + "; the simulated cloud has no permissions to check; nothing changed");
            }
            terminationsByKey.put(request.idempotencyKey(), instanceId);
            world.terminate(member, cause, request.reason());
            return new TerminationResult(ref, instanceId, TerminationResult.Outcome.TERMINATED,
                    "instance " + instanceId + " is terminating; group " + group.name() + " replaces it after "
                            + Durations.human(group.spec.replacementDelay()));
        }
    }

    @Override
    public void close() {
        synchronized (world) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (onClose != null) {
            try {
                onClose.close();
            } catch (Exception e) {
                throw new ProviderException(ProviderException.Kind.TRANSIENT, "cannot stop simulated world " + world.name(), e);
            }
        }
    }

    private GroupSummary summary(GroupState group) {
        return new GroupSummary(new GroupRef(id, group.spec.region(), group.name()), group.spec.desired(), group.spec.tags());
    }

    private GroupState group(GroupRef ref) {
        Objects.requireNonNull(ref, "group");
        GroupState group = world.findGroup(ref.name());
        if (group == null || !ref.provider().equals(id) || !ref.region().equals(group.spec.region())) {
            throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no group " + ref + " in simulated world "
                    + world.name());
        }
        return group;
    }
}
