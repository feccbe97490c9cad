package dev.macaque.provider.gcp;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.retrying.PollException;
import com.google.cloud.compute.v1.AggregatedListInstanceGroupManagersRequest;
import com.google.cloud.compute.v1.DeleteInstanceRequest;
import com.google.cloud.compute.v1.DeleteInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.DeleteInstancesRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.InstanceGroupManager;
import com.google.cloud.compute.v1.InstanceGroupManagerAutoHealingPolicy;
import com.google.cloud.compute.v1.InstanceGroupManagersDeleteInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersRecreateInstancesRequest;
import com.google.cloud.compute.v1.InstanceGroupManagersScopedList;
import com.google.cloud.compute.v1.ListInstancesRequest;
import com.google.cloud.compute.v1.ManagedInstance;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RecreateInstancesInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.RecreateInstancesRegionInstanceGroupManagerRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersDeleteInstancesRequest;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersRecreateRequest;
import com.google.cloud.compute.v1.TestPermissionsRequest;
import com.google.cloud.compute.v1.TestPermissionsResponse;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.MemberTermination;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.VmGroup;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Managed instance groups (zonal and regional) of one or more projects, driven through the Compute REST API.
 *
 * <p>Group identity: {@link GroupRef#region()} is the MIG's region for a regional MIG and its zone for a zonal one;
 * {@link GroupRef#name()} is the MIG's name, written {@code project/name} when this instance covers several
 * projects. Instance ids are {@code vmName@vmId} (see {@link Member}).
 *
 * <p>Labels ({@link GroupSummary#tags()}): MIGs have no labels of their own, so a group's tags are its instance
 * template's labels, overridden key by key by the labels of its all-instances configuration. Opt-in is only ever
 * read from those labels, which the group's owners control: configuration cannot opt a group in.
 *
 * <p>No call is retried here: every failure is translated into its {@link ProviderException} kind once, and the
 * engine's retry is the only layer (so one call never becomes attempts times attempts, nor sleeps on an engine
 * thread).
 */
final class GcpCloudProvider implements CloudProvider {
    static final String TYPE = "gcp";
    private static final Pattern TEMPLATE_URL =
            Pattern.compile("projects/([^/]+)/(?:global|regions/([^/]+))/instanceTemplates/([^/]+)$");
    private static final int NAMES_PER_FILTER = 40;

    private final String id;
    private final GcpConfig config;
    private final ComputeClients clients;
    private final System.Logger logger;
    private final IdempotencyLedger ledger = new IdempotencyLedger(10_000);
    /** Whether each listed MIG has an auto-healing health check, as its last listing said (bounded by the fleet). */
    private final Map<MigRef, Boolean> healthCheckedByMig = new java.util.concurrent.ConcurrentHashMap<>();
    // VMs this provider terminated whose name the MIG no longer lists (deleteInstances), so a repeat is reported
    // as already terminated rather than not found.
    private final Set<String> terminated = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            }));
    private volatile boolean closed;

    GcpCloudProvider(String id, GcpConfig config, ComputeClients clients, System.Logger logger) {
        this.id = Objects.requireNonNull(id, "id");
        this.config = Objects.requireNonNull(config, "config");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Every request of every Compute client, pages and Operation polls included, passes the gate ({@link GatedRequests}). */
    @Override
    public boolean gatesEachRequest() {
        return true;
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        return listAndDescribeGroups(filter, summary -> false).listed();
    }

    /**
     * One {@code aggregatedList} per project (each instance template read once), then {@code listManagedInstances}
     * for each MIG {@code read} accepts, taken from that same listing (no second listing as
     * {@link #describeGroups(List)} would make): N candidates cost the listing's pages + templates + N member reads,
     * Compute having no call for the managed instances of several MIGs.
     */
    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, java.util.function.Predicate<GroupSummary> read) {
        Map<String, Map<String, String>> templateLabels = new HashMap<>();
        List<GroupSummary> groups = new ArrayList<>();
        List<VmGroup> described = new ArrayList<>();
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        List<String> unreachable = new ArrayList<>();
        for (String project : config.projects()) {
            for (InstanceGroupManager igm : listMigs(project, unreachable)) {
                MigRef mig = new MigRef(project, location(igm), igm.getName());
                if (!config.covers(mig.location())
                        || !filter.regions().isEmpty() && !filter.regions().contains(mig.location())) {
                    continue;
                }
                Map<String, String> labels = labels(mig, igm, templateLabels);
                if (!filter.matches(mig.location(), labels)) {
                    continue;
                }
                GroupSummary summary = new GroupSummary(ref(mig), igm.getTargetSize(), labels);
                groups.add(summary);
                healthCheckedByMig.put(mig, healthChecked(igm));
                if (read.test(summary)) {
                    try {
                        boolean healthChecked = healthChecked(igm);
                        described.add(new VmGroup(summary, listMembers(mig).stream()
                                .map(m -> new Instance(m.instanceId(), m.zone(), m.state(), m.healthy(healthChecked), null))
                                .toList()));
                    } catch (ProviderException e) {
                        if (e.kind() != Kind.NOT_FOUND) {
                            throw e;
                        }
                        notFound.put(summary.ref(), e.getMessage()); // deleted between the listing and the member read
                    }
                }
            }
        }
        if (!unreachable.isEmpty()) {
            logger.log(Level.WARNING, "{0}: listing is incomplete, Compute could not reach {1}; their groups are not"
                    + " listed", id, unreachable);
        }
        Comparator<GroupRef> order = Comparator.comparing(GroupRef::region).thenComparing(GroupRef::name);
        groups.sort(Comparator.comparing(GroupSummary::ref, order));
        described.sort(Comparator.comparing(VmGroup::ref, order));
        return new ListedGroups(groups, new DescribedGroups(described, notFound, unreachable));
    }

    /**
     * Every MIG of {@code project} with one {@code aggregatedList} (paged). {@code returnPartialSuccess} keeps one
     * unreachable zone from failing the whole listing; the locations Compute could not reach are added to
     * {@code unreachable}, so that callers can say the listing is incomplete instead of silently missing groups.
     */
    private List<InstanceGroupManager> listMigs(String project, List<String> unreachable) {
        return ComputeErrors.call("list MIGs of project " + project, () -> {
            List<InstanceGroupManager> all = new ArrayList<>();
            AggregatedListInstanceGroupManagersRequest request = AggregatedListInstanceGroupManagersRequest
                    .newBuilder().setProject(project).setReturnPartialSuccess(true).build();
            for (var page : clients.zonalGroups.aggregatedList(request).iteratePages()) {
                for (String location : page.getResponse().getUnreachablesList()) {
                    unreachable.add("project " + project + ": " + location);
                }
                for (Map.Entry<String, InstanceGroupManagersScopedList> scope : page.getValues()) {
                    all.addAll(scope.getValue().getInstanceGroupManagersList());
                }
            }
            return all;
        });
    }

    /**
     * One {@code aggregatedList} per project for every asked MIG (target size, template, all-instances labels),
     * each instance template read once for the whole call, then {@code listManagedInstances} per asked MIG: Compute
     * has no call that lists the managed instances (with their health) of several MIGs at once. Creation times are
     * left out. N groups cost N + projects + templates calls; describeGroup costs about four per group.
     */
    @Override
    public DescribedGroups describeGroups(List<GroupRef> refs) {
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        Map<GroupRef, MigRef> wanted = new LinkedHashMap<>();
        for (GroupRef ref : refs.stream().distinct().toList()) {
            try {
                wanted.put(ref, resolve(ref));
            } catch (ProviderException e) {
                if (e.kind() != Kind.NOT_FOUND && e.kind() != Kind.INVALID_REQUEST) {
                    throw e;
                }
                notFound.put(ref, e.getMessage());
            }
        }
        List<String> unreachable = new ArrayList<>();
        Map<MigRef, InstanceGroupManager> listed = new HashMap<>();
        for (String project : new java.util.TreeSet<>(wanted.values().stream().map(MigRef::project).toList())) {
            for (InstanceGroupManager igm : listMigs(project, unreachable)) {
                listed.put(new MigRef(project, location(igm), igm.getName()), igm);
            }
        }
        Map<String, Map<String, String>> templateLabels = new HashMap<>();
        List<VmGroup> found = new ArrayList<>();
        for (Map.Entry<GroupRef, MigRef> entry : wanted.entrySet()) {
            MigRef mig = entry.getValue();
            InstanceGroupManager igm = listed.get(mig);
            if (igm == null) {
                notFound.put(entry.getKey(), "MIG " + mig + " does not exist"
                        + (unreachable.isEmpty() ? "" : " or is in a location Compute could not reach"));
                continue;
            }
            List<Member> members;
            try {
                members = listMembers(mig);
            } catch (ProviderException e) {
                if (e.kind() != Kind.NOT_FOUND) {
                    throw e;
                }
                notFound.put(entry.getKey(), e.getMessage()); // deleted between the listing and the member read
                continue;
            }
            boolean healthChecked = healthChecked(igm);
            List<Instance> instances = members.stream()
                    .map(m -> new Instance(m.instanceId(), m.zone(), m.state(), m.healthy(healthChecked), null))
                    .toList();
            found.add(new VmGroup(new GroupSummary(ref(mig), igm.getTargetSize(), labels(mig, igm, templateLabels)),
                    instances));
        }
        return new DescribedGroups(found, notFound, unreachable);
    }

    /**
     * The members of MIGs this provider just listed: one {@code listManagedInstances} per MIG and no listing (SPI 1.3).
     * Whether a MIG's health check counts comes from its listing; a MIG never listed by this instance is read first.
     */
    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        List<VmGroup> found = new ArrayList<>();
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        for (GroupSummary summary : listed.stream().distinct().toList()) {
            try {
                MigRef mig = resolve(summary.ref());
                Boolean known = healthCheckedByMig.get(mig);
                boolean healthChecked = known != null ? known : healthChecked(getMig(mig));
                found.add(new VmGroup(summary, listMembers(mig).stream()
                        .map(m -> new Instance(m.instanceId(), m.zone(), m.state(), m.healthy(healthChecked), null))
                        .toList()));
            } catch (ProviderException e) {
                if (e.kind() != Kind.NOT_FOUND && e.kind() != Kind.INVALID_REQUEST) {
                    throw e;
                }
                notFound.put(summary.ref(), e.getMessage()); // deleted since the listing
            }
        }
        return new DescribedGroups(found, notFound, List.of());
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        MigRef mig = resolve(group);
        InstanceGroupManager igm = getMig(mig);
        List<Member> members = listMembers(mig);
        boolean healthChecked = healthChecked(igm);
        Map<String, Instant> created = creationTimes(mig.project(), members);
        List<Instance> instances = members.stream()
                .map(m -> new Instance(m.instanceId(), m.zone(), m.state(), m.healthy(healthChecked),
                        created.get(m.instanceId())))
                .toList();
        GroupSummary summary = new GroupSummary(ref(mig), igm.getTargetSize(), labels(mig, igm, new HashMap<>()));
        return new VmGroup(summary, instances);
    }

    /**
     * Desired capacity is the MIG's target size; healthy members have no current action, are RUNNING and, where
     * an auto-healing health check is configured, HEALTHY.
     */
    @Override
    public GroupHealth health(GroupRef group) {
        MigRef mig = resolve(group);
        InstanceGroupManager igm = getMig(mig);
        boolean healthChecked = healthChecked(igm);
        int healthy = 0;
        int pending = 0;
        for (Member member : listMembers(mig)) {
            LifecycleState state = member.state();
            if (state == LifecycleState.IN_SERVICE && member.healthy(healthChecked)) {
                healthy++;
            } else if (state == LifecycleState.PENDING
                    || state == LifecycleState.IN_SERVICE) {
                // running but not yet passing its health check: still coming up
                pending++;
            }
        }
        return new GroupHealth(ref(mig), igm.getTargetSize(), healthy, pending);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        if (request.dryRun()) {
            return terminateOnce(request);
        }
        return ledger.once(request.idempotencyKey(), () -> terminateOnce(request));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            clients.close();
        }
    }

    private TerminationResult terminateOnce(TerminationRequest request) {
        MigRef mig = resolve(request.group());
        GroupRef ref = ref(mig);
        InstanceGroupManager igm = getMig(mig);
        Object found = lookUp(request, mig, ref, listMembers(mig));
        if (found instanceof TerminationResult already) {
            return already;
        }
        Member member = (Member) found;
        if (request.dryRun()) {
            return dryRun(request, mig, ref, igm, member);
        }
        return act(request, mig, ref, member);
    }

    /**
     * The member a request is about, among {@code members}: the {@link Member} to act on, or the
     * {@code ALREADY_TERMINATED} result when it is gone or leaving; throws {@code NOT_FOUND} for a stranger.
     */
    private Object lookUp(TerminationRequest request, MigRef mig, GroupRef ref, List<Member> members) {
        String wantedName = request.instanceId().contains("@")
                ? request.instanceId().substring(0, request.instanceId().indexOf('@')) : request.instanceId();
        Optional<Member> found = members.stream().filter(m -> m.name().equals(wantedName)).findFirst();
        if (found.isEmpty()) {
            if (terminated.contains(mig + "/" + request.instanceId())) {
                return new TerminationResult(ref, request.instanceId(), Outcome.ALREADY_TERMINATED,
                        "instance " + request.instanceId() + " is no longer a member of " + mig
                                + "; this provider terminated it earlier");
            }
            throw new ProviderException(Kind.NOT_FOUND, "instance " + request.instanceId()
                    + " is not a managed member of MIG " + mig + " (members: "
                    + members.stream().map(Member::instanceId).collect(Collectors.joining(", ")) + ")");
        }
        Member member = found.get();
        if (!member.instanceId().equals(request.instanceId()) && request.instanceId().contains("@")
                && member.vmId() != 0) {
            return new TerminationResult(ref, request.instanceId(), Outcome.ALREADY_TERMINATED,
                    "VM " + request.instanceId() + " is gone: MIG " + mig + " has recreated " + wantedName
                            + " as " + member.instanceId());
        }
        if (member.leaving()) {
            return new TerminationResult(ref, request.instanceId(), Outcome.ALREADY_TERMINATED,
                    "MIG " + mig + " is already " + member.action() + " " + member.instanceId());
        }
        return member;
    }

    /**
     * Several members of one MIG in one {@code recreateInstances} or {@code deleteInstances} call (their list form),
     * one operation for all: the members a zone outage takes go down together. Each request keeps its idempotency key
     * (a key already answered gets its first answer again, nothing is sent for it); a member that is gone, leaving or
     * not a member has its own outcome. {@code deleteVm} (one call per VM) and dry runs go one by one.
     */
    @Override
    public List<MemberTermination> terminateMembers(GroupRef group, List<TerminationRequest> requests) {
        TerminateAction action = config.terminateAction();
        if (action == TerminateAction.DELETE_VM || requests.size() < 2 || requests.stream().anyMatch(TerminationRequest::dryRun)) {
            return CloudProvider.super.terminateMembers(group, requests);
        }
        for (TerminationRequest request : requests) {
            if (!request.group().equals(group)) {
                throw new IllegalArgumentException("request for " + request.group() + " in a call for " + group);
            }
        }
        MigRef mig = resolve(group);
        GroupRef ref = ref(mig);
        List<Member> members = listMembers(mig);
        MemberTermination[] outcomes = new MemberTermination[requests.size()];
        List<Integer> acting = new ArrayList<>();
        List<Member> victims = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            TerminationRequest request = requests.get(i);
            Optional<TerminationResult> answered = ledger.answered(request.idempotencyKey());
            if (answered.isPresent()) {
                outcomes[i] = MemberTermination.done(request, answered.get());
                continue;
            }
            try {
                Object found = lookUp(request, mig, ref, members);
                if (found instanceof TerminationResult already) {
                    outcomes[i] = MemberTermination.done(request, already);
                } else {
                    acting.add(i);
                    victims.add((Member) found);
                }
            } catch (ProviderException e) {
                outcomes[i] = MemberTermination.failed(request, e);
            }
        }
        if (!acting.isEmpty()) {
            List<String> urls = victims.stream().map(m -> vmUrl(mig.project(), m)).toList();
            // Compute deduplicates requests with the same requestId, so a throttled-then-retried call acts once.
            String requestId = UUID.nameUUIDFromBytes(acting.stream().map(i -> requests.get(i).idempotencyKey() + "|"
                    + requests.get(i).instanceId()).collect(Collectors.joining(",")).getBytes(UTF_8)).toString();
            String names = victims.stream().map(Member::instanceId).collect(Collectors.joining(", "));
            String what = (action == TerminateAction.RECREATE ? "recreateInstances " : "deleteInstances ") + names
                    + (action == TerminateAction.RECREATE ? " in MIG " : " from MIG ") + mig
                    + (action == TerminateAction.RECREATE ? "" : " (shrinks the target size)");
            Operation operation;
            try {
                operation = awaitOperation(what, () -> startMany(action, mig, urls, requestId));
            } catch (ProviderException e) {
                if (e.retryable()) {
                    throw e; // nothing was done: the whole call may be repeated (same requestId)
                }
                acting.forEach(i -> outcomes[i] = MemberTermination.failed(requests.get(i), e));
                return List.of(outcomes);
            }
            String healing = action.keepsCapacity()
                    ? "; the MIG keeps its target size and recreates them"
                    : "; the MIG's target size shrank by " + victims.size() + " and it will NOT replace them";
            logger.log(Level.INFO, "{0}: done (operation {1}); reason: {2}", what, operation.getName(),
                    requests.get(acting.get(0)).reason());
            for (int k = 0; k < acting.size(); k++) {
                TerminationRequest request = requests.get(acting.get(k));
                terminated.add(mig + "/" + request.instanceId());
                terminated.add(mig + "/" + victims.get(k).instanceId());
                TerminationResult result = new TerminationResult(ref, request.instanceId(), Outcome.TERMINATED,
                        what + ": operation " + operation.getName() + " " + operation.getStatus() + healing);
                ledger.remember(request.idempotencyKey(), result);
                outcomes[acting.get(k)] = MemberTermination.done(request, result);
            }
        }
        return List.of(outcomes);
    }

    private OperationFuture<Operation, Operation> startMany(TerminateAction action, MigRef mig, List<String> vmUrls,
            String requestId) {
        return switch (action) {
            case RECREATE -> mig.regional()
                    ? clients.regionalGroups.recreateInstancesAsync(RecreateInstancesRegionInstanceGroupManagerRequest
                            .newBuilder().setProject(mig.project()).setRegion(mig.location())
                            .setInstanceGroupManager(mig.name()).setRequestId(requestId)
                            .setRegionInstanceGroupManagersRecreateRequestResource(
                                    RegionInstanceGroupManagersRecreateRequest.newBuilder().addAllInstances(vmUrls))
                            .build())
                    : clients.zonalGroups.recreateInstancesAsync(RecreateInstancesInstanceGroupManagerRequest
                            .newBuilder().setProject(mig.project()).setZone(mig.location())
                            .setInstanceGroupManager(mig.name()).setRequestId(requestId)
                            .setInstanceGroupManagersRecreateInstancesRequestResource(
                                    InstanceGroupManagersRecreateInstancesRequest.newBuilder().addAllInstances(vmUrls))
                            .build());
            case DELETE_INSTANCES -> mig.regional()
                    ? clients.regionalGroups.deleteInstancesAsync(DeleteInstancesRegionInstanceGroupManagerRequest
                            .newBuilder().setProject(mig.project()).setRegion(mig.location())
                            .setInstanceGroupManager(mig.name()).setRequestId(requestId)
                            .setRegionInstanceGroupManagersDeleteInstancesRequestResource(
                                    RegionInstanceGroupManagersDeleteInstancesRequest.newBuilder()
                                            .addAllInstances(vmUrls).setSkipInstancesOnValidationError(false))
                            .build())
                    : clients.zonalGroups.deleteInstancesAsync(DeleteInstancesInstanceGroupManagerRequest
                            .newBuilder().setProject(mig.project()).setZone(mig.location())
                            .setInstanceGroupManager(mig.name()).setRequestId(requestId)
                            .setInstanceGroupManagersDeleteInstancesRequestResource(
                                    InstanceGroupManagersDeleteInstancesRequest.newBuilder()
                                            .addAllInstances(vmUrls).setSkipInstancesOnValidationError(false))
                            .build());
            case DELETE_VM -> throw new IllegalStateException("deleteVm has no batch call");
        };
    }

    private TerminationResult act(TerminationRequest request, MigRef mig, GroupRef ref, Member member) {
        String vmUrl = vmUrl(mig.project(), member);
        // Compute deduplicates requests with the same requestId, so a throttled-then-retried call acts once.
        String requestId = UUID.nameUUIDFromBytes((request.idempotencyKey() + "|" + request.instanceId())
                .getBytes(UTF_8)).toString();
        TerminateAction action = config.terminateAction();
        String what = switch (action) {
            case DELETE_VM -> "delete VM " + vmUrl + " of MIG " + mig;
            case RECREATE -> "recreateInstances " + member.instanceId() + " in MIG " + mig;
            case DELETE_INSTANCES -> "deleteInstances " + member.instanceId() + " from MIG " + mig
                    + " (shrinks the target size)";
        };
        Operation operation;
        try {
            operation = awaitOperation(what, () -> start(action, mig, member, vmUrl, requestId));
        } catch (ProviderException e) {
            if (e.kind() == Kind.NOT_FOUND && action == TerminateAction.DELETE_VM) {
                return new TerminationResult(ref, request.instanceId(), Outcome.ALREADY_TERMINATED,
                        "VM " + vmUrl + " is already gone");
            }
            throw e;
        }
        terminated.add(mig + "/" + request.instanceId());
        terminated.add(mig + "/" + member.instanceId());
        logger.log(Level.INFO, "{0}: done (operation {1}); reason: {2}", what, operation.getName(), request.reason());
        String healing = action.keepsCapacity()
                ? "; the MIG keeps its target size and recreates " + member.name()
                : "; the MIG's target size shrank by one and it will NOT replace the member";
        return new TerminationResult(ref, request.instanceId(), Outcome.TERMINATED,
                what + ": operation " + operation.getName() + " " + operation.getStatus() + healing);
    }

    private OperationFuture<Operation, Operation> start(TerminateAction action, MigRef mig, Member member,
            String vmUrl, String requestId) {
        return action == TerminateAction.DELETE_VM
                ? clients.instances.deleteAsync(DeleteInstanceRequest.newBuilder()
                        .setProject(mig.project()).setZone(member.zone()).setInstance(member.name())
                        .setRequestId(requestId).build())
                : startMany(action, mig, List.of(vmUrl), requestId);
    }

    private TerminationResult dryRun(TerminationRequest request, MigRef mig, GroupRef ref, InstanceGroupManager igm,
            Member member) {
        List<String> proven = new ArrayList<>();
        List<String> notProven = new ArrayList<>();
        proven.add("MIG " + mig + " exists (target size " + igm.getTargetSize() + ")");
        proven.add(member.instanceId() + " is a managed member in zone " + member.zone() + " (status "
                + (member.status().isEmpty() ? "none yet" : member.status()) + ", current action " + member.action()
                + ")");
        String vmUrl = vmUrl(mig.project(), member);
        if (config.terminateAction() == TerminateAction.DELETE_VM) {
            String permission = "compute.instances.delete";
            TestPermissionsResponse granted;
            try {
                granted = ComputeErrors.call("testIamPermissions on VM " + vmUrl, () -> clients.instances.testIamPermissions(
                        mig.project(), member.zone(), member.name(),
                        TestPermissionsRequest.newBuilder().addPermissions(permission).build()));
            } catch (ProviderException e) {
                if (e.kind() == Kind.NOT_FOUND) {
                    return new TerminationResult(ref, request.instanceId(), Outcome.ALREADY_TERMINATED,
                            "dry run: VM " + vmUrl + " is already gone");
                }
                throw e;
            }
            if (!granted.getPermissionsList().contains(permission)) {
                throw new ProviderException(Kind.PERMISSION_DENIED, "dry run: the credentials lack " + permission
                        + " on VM " + vmUrl + " (testIamPermissions granted "
                        + granted.getPermissionsList() + "); terminate would fail");
            }
            proven.add("the credentials hold " + permission + " on the VM (testIamPermissions)");
            notProven.add("that the MIG recreates the VM (template, quota and zone capacity are not checked)");
        } else {
            notProven.add("compute.instanceGroupManagers.update on the MIG (MIGs offer no testIamPermissions)");
            if (config.terminateAction() == TerminateAction.RECREATE) {
                notProven.add("that the MIG recreates the VM (template, quota and zone capacity are not checked)");
            }
        }
        String would = switch (config.terminateAction()) {
            case DELETE_VM -> "delete VM " + vmUrl + " so that the MIG recreates it";
            case RECREATE -> "call recreateInstances on the MIG for " + member.name();
            case DELETE_INSTANCES -> "call deleteInstances on the MIG for " + member.name()
                    + ", shrinking its target size by one";
        };
        return new TerminationResult(ref, request.instanceId(), Outcome.DRY_RUN_WOULD_TERMINATE,
                "dry run, nothing changed; would " + would + ". Proven: " + String.join("; ", proven)
                        + ". Not proven: " + String.join("; ", notProven) + ".");
    }

    /** Starts an operation and waits for it, bounded by the operation timeout; throttling restarts it. */
    private Operation awaitOperation(String what, Supplier<OperationFuture<Operation, Operation>> start) {
        return ComputeErrors.call(what, () -> {
            OperationFuture<Operation, Operation> future = start.get();
            Operation operation;
            try {
                operation = future.get(config.operationTimeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | CancellationException e) {
                future.cancel(true);
                throw timedOut(what, e);
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                throw new ProviderException(Kind.TRANSIENT, what + ": interrupted while waiting for the operation", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof PollException || cause instanceof CancellationException) {
                    throw timedOut(what, cause);
                }
                // The client reports a failed Operation by its HTTP status only; the Operation says why.
                Optional<Operation> finished = lastPolled(future);
                if (finished.isPresent() && finished.get().hasError()
                        && finished.get().getError().getErrorsCount() > 0) {
                    throw ComputeErrors.operationFailed(what, finished.get());
                }
                if (acceptedRunning(future)) {
                    // Compute took the operation; a poll failed or the call budget refused it: it may still complete.
                    throw new ProviderException(Kind.TRANSIENT, what + ": Compute accepted the operation, but waiting"
                            + " for its end failed (" + (cause instanceof RuntimeException runtime
                            ? ComputeErrors.translate(runtime, "polling it").getMessage() : cause)
                            + "); it may still complete", cause);
                }
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new ProviderException(Kind.TRANSIENT, what + " failed: " + cause, cause);
            }
            if (operation.hasError() && operation.getError().getErrorsCount() > 0) {
                throw ComputeErrors.operationFailed(what, operation);
            }
            return operation;
        });
    }

    /** Whether Compute answered the request that started the operation with an Operation not yet done. */
    private static boolean acceptedRunning(OperationFuture<Operation, Operation> future) {
        var initial = future.getInitialFuture();
        if (!initial.isDone()) {
            return false;
        }
        try {
            return !initial.get().isDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | CancellationException e) {
            return false;
        }
    }

    private static Optional<Operation> lastPolled(OperationFuture<Operation, Operation> future) {
        try {
            var metadata = future.peekMetadata();
            return metadata != null && metadata.isDone() ? Optional.ofNullable(metadata.get()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private ProviderException timedOut(String what, Throwable cause) {
        return new ProviderException(Kind.TRANSIENT, what + ": the operation did not finish within "
                + config.operationTimeout() + "; it may still complete", cause);
    }

    private InstanceGroupManager getMig(MigRef mig) {
        return ComputeErrors.call("get MIG " + mig, () -> mig.regional()
                ? clients.regionalGroups.get(mig.project(), mig.location(), mig.name())
                : clients.zonalGroups.get(mig.project(), mig.location(), mig.name()));
    }

    private List<Member> listMembers(MigRef mig) {
        List<ManagedInstance> managed = ComputeErrors.call("listManagedInstances of MIG " + mig, () -> {
            List<ManagedInstance> all = new ArrayList<>();
            if (mig.regional()) {
                clients.regionalGroups.listManagedInstances(mig.project(), mig.location(), mig.name())
                        .iterateAll().forEach(all::add);
            } else {
                clients.zonalGroups.listManagedInstances(mig.project(), mig.location(), mig.name())
                        .iterateAll().forEach(all::add);
            }
            return all;
        });
        return managed.stream().map(Member::of).sorted(Comparator.comparing(Member::name)).toList();
    }

    /** Creation times by instance id, read with one filtered {@code instances.list} per zone and chunk of names. */
    private Map<String, Instant> creationTimes(String project, List<Member> members) {
        Map<String, List<String>> namesByZone = new TreeMap<>();
        for (Member member : members) {
            if (member.vmId() != 0 && !member.zone().isEmpty()) {
                namesByZone.computeIfAbsent(member.zone(), z -> new ArrayList<>()).add(member.name());
            }
        }
        Map<String, Instant> created = new HashMap<>();
        for (Map.Entry<String, List<String>> zone : namesByZone.entrySet()) {
            List<String> names = zone.getValue();
            for (int from = 0; from < names.size(); from += NAMES_PER_FILTER) {
                String filter = names.subList(from, Math.min(names.size(), from + NAMES_PER_FILTER)).stream()
                        .map(n -> "(name = \"" + n + "\")").collect(Collectors.joining(" OR "));
                ListInstancesRequest request = ListInstancesRequest.newBuilder().setProject(project)
                        .setZone(zone.getKey()).setFilter(filter).build();
                List<com.google.cloud.compute.v1.Instance> vms = ComputeErrors.call(
                        "list VMs in " + project + "/" + zone.getKey(), () -> {
                            List<com.google.cloud.compute.v1.Instance> all = new ArrayList<>();
                            clients.instances.list(request).iterateAll().forEach(all::add);
                            return all;
                        });
                for (com.google.cloud.compute.v1.Instance vm : vms) {
                    parseTimestamp(vm.getCreationTimestamp()).ifPresent(time ->
                            created.put(vm.getName() + "@" + Long.toUnsignedString(vm.getId()), time));
                }
            }
        }
        return created;
    }

    private static Optional<Instant> parseTimestamp(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private Map<String, String> labels(MigRef mig, InstanceGroupManager igm,
            Map<String, Map<String, String>> templateCache) {
        Map<String, String> labels = new TreeMap<>(templateLabels(mig, igm, templateCache));
        if (igm.hasAllInstancesConfig() && igm.getAllInstancesConfig().hasProperties()) {
            labels.putAll(igm.getAllInstancesConfig().getProperties().getLabelsMap());
        }
        return labels;
    }

    private Map<String, String> templateLabels(MigRef mig, InstanceGroupManager igm,
            Map<String, Map<String, String>> cache) {
        String url = igm.getInstanceTemplate();
        if (url.isEmpty() && igm.getVersionsCount() > 0) {
            url = igm.getVersions(0).getInstanceTemplate();
        }
        Matcher template = TEMPLATE_URL.matcher(url);
        if (!template.find()) {
            return Map.of();
        }
        Map<String, String> cached = cache.get(url);
        if (cached != null) {
            return cached;
        }
        String project = template.group(1);
        String region = template.group(2);
        String name = template.group(3);
        Map<String, String> labels;
        try {
            labels = ComputeErrors.call("get instance template " + url, () -> region == null
                    ? clients.templates.get(project, name).getProperties().getLabelsMap()
                    : clients.regionalTemplates.get(project, region, name).getProperties().getLabelsMap());
        } catch (ProviderException e) {
            if (e.kind() != Kind.NOT_FOUND) {
                throw e;
            }
            logger.log(Level.WARNING, "instance template {0} of MIG {1} does not exist; its labels are ignored",
                    url, mig);
            labels = Map.of();
        }
        cache.put(url, labels);
        return labels;
    }

    private static boolean healthChecked(InstanceGroupManager igm) {
        return igm.getAutoHealingPoliciesList().stream()
                .map(InstanceGroupManagerAutoHealingPolicy::getHealthCheck)
                .anyMatch(hc -> !hc.isEmpty());
    }

    private static String location(InstanceGroupManager igm) {
        String url = igm.getRegion().isEmpty() ? igm.getZone() : igm.getRegion();
        return Member.lastSegment(url);
    }

    private static String vmUrl(String project, Member member) {
        return "projects/" + project + "/zones/" + member.zone() + "/instances/" + member.name();
    }

    private GroupRef ref(MigRef mig) {
        return new GroupRef(id, mig.location(), mig.groupName(config.projects().size() > 1));
    }

    private MigRef resolve(GroupRef group) {
        if (!group.provider().equals(id)) {
            throw new ProviderException(Kind.NOT_FOUND, "group " + group + " belongs to provider '"
                    + group.provider() + "', not to this one ('" + id + "')");
        }
        String project;
        String name;
        int slash = group.name().indexOf('/');
        if (slash >= 0) {
            project = group.name().substring(0, slash);
            name = group.name().substring(slash + 1);
            if (!config.projects().contains(project)) {
                throw new ProviderException(Kind.NOT_FOUND, "group " + group + ": project '" + project
                        + "' is not covered by provider '" + id + "' (projects: " + config.projects() + ")");
            }
        } else if (config.projects().size() == 1) {
            project = config.projects().get(0);
            name = group.name();
        } else {
            throw new ProviderException(Kind.INVALID_REQUEST, "group " + group + ": provider '" + id
                    + "' covers several projects " + config.projects() + "; name the group project/name");
        }
        String location = group.region();
        if (!GcpConfig.ZONE.matcher(location).matches() && !GcpConfig.REGION.matcher(location).matches()) {
            throw new ProviderException(Kind.INVALID_REQUEST, "group " + group + ": '" + location
                    + "' is neither a GCP region (europe-west1) nor a zone (europe-west1-b)");
        }
        if (!config.covers(location)) {
            throw new ProviderException(Kind.NOT_FOUND, "group " + group + ": location '" + location
                    + "' is not covered by provider '" + id + "' (regions: " + config.regions() + ", zones: "
                    + config.zones() + ")");
        }
        return new MigRef(project, location, name);
    }
}
