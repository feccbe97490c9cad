package dev.macaque.provider.azure;

import com.azure.core.management.exception.ManagementError;
import com.azure.core.management.polling.PollResult;
import com.azure.core.util.Context;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.core.util.polling.SyncPoller;
import com.azure.resourcemanager.authorization.fluent.models.PermissionInner;
import com.azure.resourcemanager.compute.fluent.ComputeManagementClient;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetInner;
import com.azure.resourcemanager.compute.fluent.models.VirtualMachineScaleSetVMInner;
import com.azure.resourcemanager.compute.models.InstanceViewTypes;
import com.azure.resourcemanager.compute.models.OrchestrationMode;
import com.azure.resourcemanager.compute.models.Sku;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetUpdate;
import com.azure.resourcemanager.compute.models.VirtualMachineScaleSetVMInstanceRequiredIDs;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.MemberTermination;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.VmGroup;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Azure virtual machine scale sets (Uniform orchestration) as Macaque VM groups.
 *
 * <p>A group's {@link GroupRef#region()} is the scale set's location and its {@link GroupRef#name()} is
 * {@code resourceGroup/scaleSet} ({@code subscriptionId/resourceGroup/scaleSet} when several subscriptions are
 * configured), because a scale-set name is unique only within its resource group. Instances are the scale set's
 * instances, identified by their scale-set instance id ({@code "0"}, {@code "7"}, ...).
 *
 * <p>Flexible-orchestration scale sets are not supported yet: their members are standalone virtual machines that the
 * scale-set VM API does not list. They are left out of {@link #listGroups} and refused by name.
 */
public final class AzureCloudProvider implements CloudProvider {
    static final String TYPE = "azure";
    private static final String ARM_READ_SCALE_SET = "Microsoft.Compute/virtualMachineScaleSets/read";
    private static final String ARM_READ_MEMBERS = "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read";
    private static final int LEDGER_CAPACITY = 10_000;
    /**
     * What the batch delete needs ({@code POST .../virtualMachineScaleSets/{name}/delete}, Azure's "Delete Virtual
     * Machines in a Virtual Machine Scale Set"): an RBAC action of its own, not the single delete's
     * {@code virtualMachines/delete}; and {@code write} to put the capacity back.
     */
    static final List<String> BATCH_DELETE_ACTIONS = List.of("Microsoft.Compute/virtualMachineScaleSets/delete/action",
            "Microsoft.Compute/virtualMachineScaleSets/write");

    private final String id;
    private final AzureProviderConfig config;
    private final ArmConnection arm;
    private final ArmErrors errors;
    private final System.Logger logger;
    private final IdempotencyLedger ledger = new IdempotencyLedger(LEDGER_CAPACITY);

    AzureCloudProvider(String id, AzureProviderConfig config, ArmConnection arm, Clock clock, System.Logger logger) {
        this.id = Objects.requireNonNull(id, "id");
        this.config = Objects.requireNonNull(config, "config");
        this.arm = Objects.requireNonNull(arm, "arm");
        this.errors = new ArmErrors(Objects.requireNonNull(clock, "clock"));
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

    /** Every request goes through the connection's pipeline, whose last policy is the call gate ({@link GatedRequests}). */
    @Override
    public boolean gatesEachRequest() {
        return true;
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        return listAndDescribeGroups(filter, summary -> false).listed();
    }

    /**
     * One scale-set listing per subscription, then the members of each scale set {@code read} accepts, taken from
     * that same listing (no second listing as {@link #describeGroups(List)} would make): N candidates cost the
     * listing's pages + N member reads, ARM having no call for the members of several Uniform scale sets.
     */
    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, java.util.function.Predicate<GroupSummary> read) {
        List<GroupSummary> groups = new ArrayList<>();
        List<VmGroup> described = new ArrayList<>();
        Map<GroupRef, String> notFound = new java.util.LinkedHashMap<>();
        for (String subscription : config.subscriptions()) {
            for (VirtualMachineScaleSetInner scaleSet : scaleSetsOf(subscription)) {
                String region = region(scaleSet);
                if (!config.regions().isEmpty() && !config.regions().contains(region)) {
                    continue;
                }
                if (isFlexible(scaleSet)) {
                    // An opted-in scale set that is silently ignored would puzzle its owner: say it loudly.
                    boolean optedIn = OptIn.isEnabled(optInKeysCanonical(scaleSet.tags()));
                    logger.log(optedIn ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "ignoring scale set"
                            + " {0}: Flexible orchestration is not supported by the azure provider yet", scaleSet.id());
                    continue;
                }
                ScaleSetId scaleSetId = ScaleSetId.fromResourceId(scaleSet.id());
                GroupRef ref = new GroupRef(id, region, scaleSetId.groupName(config.namesCarrySubscription()));
                GroupSummary summary = summary(ref, scaleSet);
                if (!filter.matches(region, summary.tags())) {
                    continue;
                }
                groups.add(summary);
                if (read.test(summary)) {
                    try {
                        described.add(new VmGroup(summary, members(scaleSetId).stream().map(MemberState::toInstance).toList()));
                    } catch (ProviderException e) {
                        if (e.kind() != Kind.NOT_FOUND) {
                            throw e;
                        }
                        notFound.put(ref, e.getMessage()); // deleted between the listing and the member read
                    }
                }
            }
        }
        Comparator<GroupRef> order = Comparator.comparing(GroupRef::region).thenComparing(GroupRef::name);
        groups.sort(Comparator.comparing(GroupSummary::ref, order));
        described.sort(Comparator.comparing(VmGroup::ref, order));
        return new ListedGroups(groups, new DescribedGroups(described, notFound, List.of()));
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        ScaleSetId scaleSetId = resolve(group);
        VirtualMachineScaleSetInner scaleSet = scaleSet(group, scaleSetId);
        // The ref as asked (ARM names are case-insensitive), so that callers get back the ref they hold.
        return new VmGroup(summary(group, scaleSet), members(scaleSetId).stream().map(MemberState::toInstance).toList());
    }

    /**
     * One scale-set listing per subscription (or configured resource group) instead of a read per scale set, then the
     * members of each asked-for scale set with their instance views: ARM has no call that lists the members of
     * several Uniform scale sets at once, so N groups cost N + 1 calls (describeGroup costs 2 each).
     */
    @Override
    public DescribedGroups describeGroups(List<GroupRef> refs) {
        Map<GroupRef, String> notFound = new java.util.LinkedHashMap<>();
        Map<GroupRef, ScaleSetId> wanted = new java.util.LinkedHashMap<>();
        for (GroupRef ref : refs.stream().distinct().toList()) {
            try {
                wanted.put(ref, resolve(ref));
            } catch (ProviderException e) {
                if (e.kind() != Kind.NOT_FOUND) {
                    throw e;
                }
                notFound.put(ref, e.getMessage());
            }
        }
        Map<String, VirtualMachineScaleSetInner> listed = new java.util.HashMap<>();
        java.util.Set<String> subscriptions = new TreeSet<>();
        wanted.values().forEach(s -> subscriptions.add(s.subscriptionId()));
        for (String subscription : subscriptions) {
            for (VirtualMachineScaleSetInner scaleSet : scaleSetsOf(subscription)) {
                listed.put(ScaleSetId.fromResourceId(scaleSet.id()).resourceId().toLowerCase(Locale.ROOT), scaleSet);
            }
        }
        List<VmGroup> found = new ArrayList<>();
        for (Map.Entry<GroupRef, ScaleSetId> entry : wanted.entrySet()) {
            GroupRef ref = entry.getKey();
            ScaleSetId scaleSetId = entry.getValue();
            VirtualMachineScaleSetInner scaleSet = listed.get(scaleSetId.resourceId().toLowerCase(Locale.ROOT));
            if (scaleSet == null || !region(scaleSet).equals(ref.region().toLowerCase(Locale.ROOT))) {
                notFound.put(ref, "group " + ref + ": scale set " + describe(scaleSetId) + " does not exist"
                        + (scaleSet == null ? "" : " in region " + ref.region() + " (it is in " + region(scaleSet) + ")"));
            } else if (isFlexible(scaleSet)) {
                notFound.put(ref, "group " + ref + ": scale set " + describe(scaleSetId) + " uses Flexible"
                        + " orchestration, which the azure provider does not support yet (Uniform only)");
            } else {
                try {
                    found.add(new VmGroup(summary(ref, scaleSet),
                            members(scaleSetId).stream().map(MemberState::toInstance).toList()));
                } catch (ProviderException e) {
                    if (e.kind() != Kind.NOT_FOUND) {
                        throw e;
                    }
                    notFound.put(ref, e.getMessage()); // deleted between the listing and the member read
                }
            }
        }
        return new DescribedGroups(found, notFound, List.of());
    }

    /**
     * The members of scale sets this provider just listed, one member listing (with instance views) per scale set and
     * no scale-set listing (SPI 1.3): the summary is the listing's.
     */
    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        List<VmGroup> found = new ArrayList<>();
        Map<GroupRef, String> notFound = new java.util.LinkedHashMap<>();
        for (GroupSummary summary : listed.stream().distinct().toList()) {
            try {
                found.add(new VmGroup(summary, members(resolve(summary.ref())).stream().map(MemberState::toInstance).toList()));
            } catch (ProviderException e) {
                if (e.kind() != Kind.NOT_FOUND) {
                    throw e;
                }
                notFound.put(summary.ref(), e.getMessage()); // deleted since the listing
            }
        }
        return new DescribedGroups(found, notFound, List.of());
    }

    @Override
    public GroupHealth health(GroupRef group) {
        VmGroup described = describeGroup(group);
        int healthy = described.healthyInService().size();
        int pending = (int) described.instances().stream().filter(i -> i.state() == LifecycleState.PENDING).count();
        return new GroupHealth(group, described.desiredCapacity(), healthy, pending);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        if (request.dryRun()) {
            return dryRun(request);
        }
        TerminationResult result = ledger.once(request.idempotencyKey(), () -> act(request));
        if (!result.group().equals(request.group()) || !result.instanceId().equals(request.instanceId())) {
            throw new ProviderException(Kind.INVALID_REQUEST, "idempotency key '" + request.idempotencyKey()
                    + "' was first used for instance " + result.instanceId() + " of " + result.group()
                    + ", not for instance " + request.instanceId() + " of " + request.group());
        }
        return result;
    }

    /**
     * With {@code terminateAction: delete}, the members go in <b>one</b> {@code deleteInstances} request for the scale
     * set ({@code POST .../delete} with their instance ids), awaited as one long-running operation, then <b>one</b>
     * capacity update puts back the N instances Azure's delete took away. Each member keeps {@link #terminate}'s
     * outcome: one already gone or being deleted is {@code ALREADY_TERMINATED} and left out of the request, a stranger
     * is its own {@code NOT_FOUND}, a key answered before is answered again without being sent. Dry runs read the
     * scale set, its members and the identity's permissions once for all of them. Other terminate actions go one by
     * one (the SPI's default).
     */
    @Override
    public List<MemberTermination> terminateMembers(GroupRef group, List<TerminationRequest> requests) {
        for (TerminationRequest request : requests) {
            if (!request.group().equals(group)) {
                throw new IllegalArgumentException("request for " + request.group() + " in a call for " + group);
            }
        }
        if (config.terminateAction() != TerminateAction.DELETE) {
            return CloudProvider.super.terminateMembers(group, requests);
        }
        MemberTermination[] outcomes = new MemberTermination[requests.size()];
        List<Integer> dryRuns = new ArrayList<>();
        List<Integer> deletes = new ArrayList<>();
        java.util.Set<String> instances = new java.util.HashSet<>();
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (int i = 0; i < requests.size(); i++) {
            TerminationRequest request = requests.get(i);
            if (!instances.add(request.instanceId()) || !keys.add(request.idempotencyKey())) {
                outcomes[i] = MemberTermination.failed(request, new ProviderException(Kind.INVALID_REQUEST, "instance "
                        + request.instanceId() + " or idempotency key '" + request.idempotencyKey()
                        + "' appears twice in one terminateMembers call; only its first request is acted on"));
            } else {
                (request.dryRun() ? dryRuns : deletes).add(i);
            }
        }
        if (!dryRuns.isEmpty()) {
            dryRunTogether(group, requests, dryRuns, outcomes);
        }
        if (!deletes.isEmpty()) {
            Map<String, Integer> indexOfKey = new java.util.HashMap<>();
            deletes.forEach(i -> indexOfKey.put(requests.get(i).idempotencyKey(), i));
            Map<String, TerminationResult> results = ledger.onceEach(indexOfKey.keySet(), open -> deleteTogether(group,
                    requests, deletes.stream().filter(i -> open.contains(requests.get(i).idempotencyKey())).toList(), outcomes));
            for (int i : deletes) {
                TerminationRequest request = requests.get(i);
                TerminationResult result = results.get(request.idempotencyKey());
                if (result == null) {
                    continue; // failed: its outcome is set
                }
                outcomes[i] = result.group().equals(group) && result.instanceId().equals(request.instanceId())
                        ? MemberTermination.done(request, result)
                        : MemberTermination.failed(request, new ProviderException(Kind.INVALID_REQUEST, "idempotency key '"
                                + request.idempotencyKey() + "' was first used for instance " + result.instanceId() + " of "
                                + result.group() + ", not for instance " + request.instanceId() + " of " + group));
            }
        }
        return List.of(outcomes);
    }

    /** Dry runs of several members: one scale-set read, one member listing and one permissions read for them all. */
    private void dryRunTogether(GroupRef group, List<TerminationRequest> requests, List<Integer> which,
                                MemberTermination[] outcomes) {
        ScaleSetId scaleSetId;
        VirtualMachineScaleSetInner scaleSet;
        Map<String, VirtualMachineScaleSetVMInner> members;
        try {
            scaleSetId = resolve(group);
            scaleSet = scaleSet(group, scaleSetId);
            members = byInstanceId(members(scaleSetId));
        } catch (ProviderException e) {
            failAll(e, requests, which, outcomes);
            return;
        }
        PermissionsAt permissions = new PermissionsAt(scaleSetId);
        for (int i : which) {
            TerminationRequest request = requests.get(i);
            try {
                outcomes[i] = MemberTermination.done(request, dryRun(group, scaleSetId, scaleSet, request.instanceId(),
                        Optional.ofNullable(members.get(request.instanceId())), permissions, BATCH_DELETE_ACTIONS));
            } catch (ProviderException e) {
                if (e.retryable()) {
                    throw e; // a dry run changes nothing: the whole call may be repeated
                }
                outcomes[i] = MemberTermination.failed(request, e);
            }
        }
    }

    /**
     * The members of {@code which} whose keys were not answered before (called holding their keys' locks): the results
     * to remember by key; a member that failed has its outcome set and no result.
     */
    private Map<String, TerminationResult> deleteTogether(GroupRef group, List<TerminationRequest> requests,
                                                          List<Integer> which, MemberTermination[] outcomes) {
        Map<String, TerminationResult> results = new java.util.HashMap<>();
        ScaleSetId scaleSetId;
        long before;
        Map<String, VirtualMachineScaleSetVMInner> members;
        try {
            scaleSetId = resolve(group);
            before = capacity(scaleSet(group, scaleSetId));
            members = byInstanceId(members(scaleSetId));
        } catch (ProviderException e) {
            failAll(e, requests, which, outcomes);
            return results;
        }
        List<Integer> victims = new ArrayList<>();
        List<Integer> owed = new ArrayList<>(); // gone after an earlier delete whose capacity restore is still owed
        long owedBefore = 0;
        for (int i : which) {
            TerminationRequest request = requests.get(i);
            String instanceId = request.instanceId();
            Optional<VirtualMachineScaleSetVMInner> member = Optional.ofNullable(members.get(instanceId));
            try {
                OptionalLong owedRestore = ledger.pendingRestore(memberKey(scaleSetId, instanceId));
                if (owedRestore.isPresent()) {
                    requireEarlierDeleteFinished(scaleSetId, instanceId, member);
                    owed.add(i);
                    owedBefore = Math.max(owedBefore, owedRestore.getAsLong());
                } else if (member.isEmpty()) {
                    results.put(request.idempotencyKey(),
                            goneOrNotMember(group, scaleSetId, instanceId, memberKey(scaleSetId, instanceId)));
                } else if (alreadyDone(member.get()).isPresent()) {
                    results.put(request.idempotencyKey(), new TerminationResult(group, instanceId,
                            Outcome.ALREADY_TERMINATED, alreadyDone(member.get()).get()));
                } else {
                    victims.add(i);
                }
            } catch (ProviderException e) {
                outcomes[i] = MemberTermination.failed(request, e);
            }
        }
        List<Integer> settled = new ArrayList<>(victims);
        settled.addAll(owed);
        // One correlation id for the batch, derived from its keys: a retry of the same batch shares it.
        String correlationId = UUID.nameUUIDFromBytes(("macaque:" + settled.stream().map(i -> requests.get(i).idempotencyKey())
                .sorted().collect(java.util.stream.Collectors.joining(","))).getBytes(StandardCharsets.UTF_8)).toString();
        Context context = ArmConnection.correlated(correlationId);
        List<Integer> deleted = List.of();
        if (!victims.isEmpty()) {
            java.util.concurrent.atomic.AtomicBoolean accepted = new java.util.concurrent.atomic.AtomicBoolean();
            try {
                BatchDeleted batch = deleteInstances(group, scaleSetId, requests, victims, before, correlationId, results,
                        accepted);
                deleted = batch.members();
                before = batch.capacityBefore();
            } catch (ProviderException e) {
                if (e.retryable() && !accepted.get()) {
                    throw e; // Azure did not take the request (throttled, unavailable): the whole call may be repeated
                }
                ProviderException failure = e instanceof OutcomeUnknownException
                        ? new OutcomeUnknownException(e.getMessage() + "; retry these terminations (same or new"
                                + " idempotency keys) to put the scale set's capacity back once the delete has finished", e)
                        : e;
                for (int i : victims) {
                    if (!(e instanceof OutcomeUnknownException)) {
                        ledger.restored(memberKey(scaleSetId, requests.get(i).instanceId())); // as terminate: not deleted
                    }
                    outcomes[i] = MemberTermination.failed(requests.get(i), failure);
                }
            }
        }
        List<Integer> restoring = new ArrayList<>(deleted);
        restoring.addAll(owed);
        if (restoring.isEmpty()) {
            return results;
        }
        restoring.forEach(i -> ledger.markTerminated(memberKey(scaleSetId, requests.get(i).instanceId())));
        List<String> ids = restoring.stream().map(i -> requests.get(i).instanceId()).toList();
        String restored;
        try {
            restored = restoreCapacity(group, scaleSetId, deleted.isEmpty() ? owedBefore : Math.max(before, owedBefore),
                    ids, context);
        } catch (ProviderException e) {
            // The restore stays owed: a retry of these terminations puts the capacity back.
            restoring.forEach(i -> outcomes[i] = MemberTermination.failed(requests.get(i), e));
            return results;
        }
        restoring.forEach(i -> ledger.restored(memberKey(scaleSetId, requests.get(i).instanceId())));
        String deletedIds = deleted.stream().map(i -> requests.get(i).instanceId()).collect(java.util.stream.Collectors.joining(", "));
        for (int i : deleted) {
            TerminationRequest request = requests.get(i);
            results.put(request.idempotencyKey(), new TerminationResult(group, request.instanceId(), Outcome.TERMINATED,
                    "deleted instance " + request.instanceId() + " of scale set " + describe(scaleSetId)
                            + (deleted.size() == 1 ? " (deleteInstances request)" : " together with " + (deleted.size() - 1) + " other"
                            + (deleted.size() == 2 ? "" : "s") + " in one deleteInstances request (" + deletedIds + ")")
                            + "; " + restored + " (activity log correlation id " + correlationId + ")"));
        }
        for (int i : owed) {
            TerminationRequest request = requests.get(i);
            results.put(request.idempotencyKey(), new TerminationResult(group, request.instanceId(),
                    Outcome.ALREADY_TERMINATED, "instance " + request.instanceId() + " of scale set " + describe(scaleSetId)
                    + " was deleted by an earlier request whose capacity restore was not finished; " + restored));
        }
        return results;
    }

    /** The members a batch delete removed, and the capacity read before it. */
    private record BatchDeleted(List<Integer> members, long capacityBefore) {
    }

    /**
     * One {@code deleteInstances} request for {@code victims}, awaited. ARM refuses the whole list (HTTP 400
     * {@code InvalidParameter}, "... is not an active Virtual Machine Scale Set VM instanceId") when one id is no
     * longer a member: then the members are read once more, those that vanished meanwhile are
     * {@code ALREADY_TERMINATED} (as {@link #terminate} says of a member gone between its read and its delete, and
     * their capacity is not ours to restore), and the others are sent once more.
     */
    private BatchDeleted deleteInstances(GroupRef group, ScaleSetId scaleSetId, List<TerminationRequest> requests,
                                         List<Integer> victims, long before, String correlationId,
                                         Map<String, TerminationResult> results,
                                         java.util.concurrent.atomic.AtomicBoolean accepted) {
        ComputeManagementClient compute = arm.compute(scaleSetId.subscriptionId());
        Context context = ArmConnection.correlated(correlationId);
        for (int attempt = 0; ; attempt++) {
            List<String> ids = victims.stream().map(i -> requests.get(i).instanceId()).toList();
            String what = "delete instances " + String.join(", ", ids) + " of scale set " + describe(scaleSetId)
                    + " in one deleteInstances request";
            logger.log(System.Logger.Level.INFO, "{0} ({1}; Azure correlation id {2})", what,
                    requests.get(victims.get(0)).reason(), correlationId);
            long capacityBefore = before;
            try {
                await(what, () -> {
                    SyncPoller<PollResult<Void>, Void> poller = compute.getVirtualMachineScaleSets().beginDeleteInstances(
                            scaleSetId.resourceGroup(), scaleSetId.name(),
                            new VirtualMachineScaleSetVMInstanceRequiredIDs().withInstanceIds(ids), false, context);
                    // Azure accepted the delete and lowers the capacity: from here on a restore is owed.
                    accepted.set(true);
                    ids.forEach(id -> ledger.expectRestore(memberKey(scaleSetId, id), capacityBefore));
                    return poller;
                });
                return new BatchDeleted(victims, before);
            } catch (ProviderException e) {
                if (accepted.get() || attempt > 0 || e.kind() != Kind.INVALID_REQUEST) {
                    throw e;
                }
                Map<String, VirtualMachineScaleSetVMInner> now;
                try {
                    before = capacity(scaleSet(group, scaleSetId));
                    now = byInstanceId(members(scaleSetId));
                } catch (ProviderException gone) {
                    if (gone.kind() != Kind.NOT_FOUND) {
                        throw e;
                    }
                    now = Map.of(); // the scale set itself is gone, with its members
                }
                List<Integer> still = new ArrayList<>();
                for (int i : victims) {
                    TerminationRequest request = requests.get(i);
                    VirtualMachineScaleSetVMInner member = now.get(request.instanceId());
                    if (member == null) {
                        ledger.markTerminated(memberKey(scaleSetId, request.instanceId()));
                        results.put(request.idempotencyKey(), new TerminationResult(group, request.instanceId(),
                                Outcome.ALREADY_TERMINATED, "instance " + request.instanceId() + " of scale set "
                                + describe(scaleSetId) + " disappeared before it could be acted on: " + e.getMessage()));
                    } else if (alreadyDone(member).isPresent()) {
                        results.put(request.idempotencyKey(), new TerminationResult(group, request.instanceId(),
                                Outcome.ALREADY_TERMINATED, alreadyDone(member).get()));
                    } else {
                        still.add(i);
                    }
                }
                if (still.size() == victims.size()) {
                    throw e; // every member is still there: ARM refused the request for another reason
                }
                if (still.isEmpty()) {
                    return new BatchDeleted(List.of(), before);
                }
                victims = still;
            }
        }
    }

    /**
     * A failure of the reads before a batch: thrown for the whole call when it may be retried (nothing was done), else
     * every member's outcome.
     */
    private static void failAll(ProviderException e, List<TerminationRequest> requests, List<Integer> which,
                                MemberTermination[] outcomes) {
        if (e.retryable()) {
            throw e;
        }
        which.forEach(i -> outcomes[i] = MemberTermination.failed(requests.get(i), e));
    }

    private static Map<String, VirtualMachineScaleSetVMInner> byInstanceId(List<VirtualMachineScaleSetVMInner> members) {
        Map<String, VirtualMachineScaleSetVMInner> byId = new java.util.HashMap<>();
        members.forEach(vm -> byId.put(MemberState.instanceId(vm), vm));
        return byId;
    }

    /** The identity's permissions at one scale set, read once however many members one dry run covers. */
    private final class PermissionsAt {
        private final ScaleSetId scaleSetId;
        private List<PermissionInner> permissions;
        private RuntimeException failure;

        PermissionsAt(ScaleSetId scaleSetId) {
            this.scaleSetId = scaleSetId;
        }

        List<PermissionInner> read() {
            if (permissions == null && failure == null) {
                try {
                    permissions = arm.permissionsAt(scaleSetId.resourceId(), Context.NONE);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                throw failure;
            }
            return permissions;
        }
    }

    private TerminationResult act(TerminationRequest request) {
        GroupRef group = request.group();
        ScaleSetId scaleSetId = resolve(group);
        VirtualMachineScaleSetInner scaleSet = scaleSet(group, scaleSetId);
        String instanceId = request.instanceId();
        String memberKey = memberKey(scaleSetId, instanceId);
        Optional<VirtualMachineScaleSetVMInner> member = member(scaleSetId, instanceId);
        OptionalLong owedRestore = ledger.pendingRestore(memberKey);
        if (owedRestore.isPresent() && config.terminateAction() == TerminateAction.DELETE) {
            return finishEarlierDelete(group, scaleSetId, instanceId, member, owedRestore.getAsLong(),
                    ArmConnection.correlated(correlationId(request)));
        }
        if (member.isEmpty()) {
            return goneOrNotMember(group, scaleSetId, instanceId, memberKey);
        }
        VirtualMachineScaleSetVMInner vm = member.get();
        Optional<String> alreadyDone = alreadyDone(vm);
        if (alreadyDone.isPresent()) {
            return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, alreadyDone.get());
        }
        long before = capacity(scaleSet);
        String correlationId = correlationId(request);
        Context context = ArmConnection.correlated(correlationId);
        String what = config.terminateAction().configName() + " instance " + instanceId + " of scale set "
                + describe(scaleSetId);
        logger.log(System.Logger.Level.INFO, "{0} ({1}; Azure correlation id {2})", what, request.reason(), correlationId);
        ComputeManagementClient compute = arm.compute(scaleSetId.subscriptionId());
        String rg = scaleSetId.resourceGroup();
        String name = scaleSetId.name();
        try {
            switch (config.terminateAction()) {
                case DELETE -> await(what, () -> {
                    SyncPoller<PollResult<Void>, Void> poller = compute.getVirtualMachineScaleSetVMs()
                            .beginDelete(rg, name, instanceId, false, context);
                    // Azure accepted the delete and lowers the capacity: from here on a restore is owed.
                    ledger.expectRestore(memberKey, before);
                    return poller;
                });
                case DEALLOCATE -> await(what, () -> compute.getVirtualMachineScaleSetVMs()
                        .beginDeallocate(rg, name, instanceId, context));
                case POWER_OFF -> await(what, () -> compute.getVirtualMachineScaleSetVMs()
                        .beginPowerOff(rg, name, instanceId, true, context));
                case RESTART -> await(what, () -> compute.getVirtualMachineScaleSetVMs()
                        .beginRestart(rg, name, instanceId, context));
                case REIMAGE -> await(what, () -> compute.getVirtualMachineScaleSetVMs()
                        .beginReimage(rg, name, instanceId, null, context));
            }
        } catch (ProviderException e) {
            if (e instanceof OutcomeUnknownException && config.terminateAction() == TerminateAction.DELETE) {
                throw new OutcomeUnknownException(e.getMessage() + "; retry this termination (same or new idempotency"
                        + " key) to put the scale set's capacity back once the delete has finished", e);
            }
            ledger.restored(memberKey);
            if (e.kind() == Kind.NOT_FOUND) {
                // Gone between our read and the action (another actor, or scale-in): the goal is reached, and the
                // capacity is not ours to restore.
                ledger.markTerminated(memberKey);
                return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED,
                        "instance " + instanceId + " of scale set " + describe(scaleSetId)
                                + " disappeared before it could be acted on: " + e.getMessage());
            }
            throw e;
        }
        if (config.terminateAction() != TerminateAction.DELETE) {
            return new TerminationResult(group, instanceId, Outcome.TERMINATED, config.terminateAction().configName()
                    + " of instance " + instanceId + " of scale set " + describe(scaleSetId)
                    + " completed; the instance stays a member and capacity is unchanged (activity log correlation id "
                    + correlationId + ")");
        }
        ledger.markTerminated(memberKey);
        String restored = restoreCapacity(group, scaleSetId, before, List.of(instanceId), context);
        ledger.restored(memberKey);
        return new TerminationResult(group, instanceId, Outcome.TERMINATED, "deleted instance " + instanceId
                + " of scale set " + describe(scaleSetId) + "; " + restored + " (activity log correlation id "
                + correlationId + ")");
    }

    /**
     * An earlier delete of this member was started but not seen to the end (it outlasted {@code operationTimeout}),
     * so the capacity it took is still owed. Once the instance is gone, put it back; while Azure is still deleting,
     * say so as a retryable failure.
     */
    private TerminationResult finishEarlierDelete(GroupRef group, ScaleSetId scaleSetId, String instanceId,
                                                  Optional<VirtualMachineScaleSetVMInner> member, long before,
                                                  Context context) {
        String memberKey = memberKey(scaleSetId, instanceId);
        requireEarlierDeleteFinished(scaleSetId, instanceId, member);
        ledger.markTerminated(memberKey);
        String restored = restoreCapacity(group, scaleSetId, before, List.of(instanceId), context);
        ledger.restored(memberKey);
        return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, "instance " + instanceId
                + " of scale set " + describe(scaleSetId) + " was deleted by an earlier request that outlasted the"
                + " operation timeout; " + restored);
    }

    /**
     * Throws when the member whose earlier delete owes a capacity restore is not gone yet: still deleting (retry
     * later), or it survived the delete (Azure cancelled or failed it; the restore is no longer owed).
     */
    private void requireEarlierDeleteFinished(ScaleSetId scaleSetId, String instanceId,
                                              Optional<VirtualMachineScaleSetVMInner> member) {
        if (member.isPresent() && !MemberState.isDeleting(member.get())) {
            // The earlier delete did not take (Azure cancelled or failed it): start afresh next time.
            ledger.restored(memberKey(scaleSetId, instanceId));
            throw new ProviderException(Kind.CONFLICT, "instance " + instanceId + " of scale set " + describe(scaleSetId)
                    + " survived an earlier delete that did not finish in time (provisioning "
                    + member.get().provisioningState() + "); retry the termination");
        }
        if (member.isPresent()) {
            throw new ProviderException(Kind.TRANSIENT, "instance " + instanceId + " of scale set " + describe(scaleSetId)
                    + " is still being deleted by an earlier request; its capacity is restored once it is gone: retry later");
        }
    }

    /**
     * Azure lowers a Uniform scale set's capacity when its instances are deleted. Put back the instances we took
     * ({@code instanceIds}), in one update, so that Azure creates replacements, without ever going above the capacity
     * read before the delete (an autoscaler that scaled in meanwhile wins).
     */
    private String restoreCapacity(GroupRef group, ScaleSetId scaleSetId, long before, List<String> instanceIds,
                                   Context context) {
        boolean one = instanceIds.size() == 1;
        VirtualMachineScaleSetInner after = scaleSet(group, scaleSetId);
        long now = capacity(after);
        if (now >= before) {
            return "capacity is " + now + " (was " + before + "); Azure replaces the instance" + (one ? "" : "s");
        }
        long target = Math.min(before, now + instanceIds.size());
        Sku sku = new Sku().withName(after.sku().name()).withTier(after.sku().tier()).withCapacity(target);
        try {
            await("restoring capacity of scale set " + describe(scaleSetId) + " to " + target, () -> arm
                    .compute(scaleSetId.subscriptionId()).getVirtualMachineScaleSets()
                    .beginUpdate(scaleSetId.resourceGroup(), scaleSetId.name(), new VirtualMachineScaleSetUpdate().withSku(sku),
                            null, null, context));
        } catch (ProviderException e) {
            throw new ProviderException(e.kind(), (one ? "instance " : "instances ") + String.join(", ", instanceIds)
                    + " of scale set " + describe(scaleSetId) + (one ? " was deleted, but its" : " were deleted, but their")
                    + " capacity could not be restored from " + now + " to " + target
                    + " (retrying this termination tries again; by hand: az vmss scale -g " + scaleSetId.resourceGroup()
                    + " -n " + scaleSetId.name() + " --new-capacity " + target + "): " + e.getMessage(), e, e.retryable(),
                    e.retryAfter().orElse(null));
        }
        return "capacity restored from " + now + " to " + target + " so that Azure creates "
                + (one ? "a replacement" : "replacements");
    }

    private TerminationResult dryRun(TerminationRequest request) {
        GroupRef group = request.group();
        ScaleSetId scaleSetId = resolve(group);
        VirtualMachineScaleSetInner scaleSet = scaleSet(group, scaleSetId);
        String instanceId = request.instanceId();
        return dryRun(group, scaleSetId, scaleSet, instanceId, member(scaleSetId, instanceId), new PermissionsAt(scaleSetId),
                config.terminateAction().requiredActions());
    }

    /**
     * The dry run of one member, read already: {@code actions} are the RBAC actions the real termination needs beyond
     * the reads; {@code permissions} is read at most once for all the members of one call.
     */
    private TerminationResult dryRun(GroupRef group, ScaleSetId scaleSetId, VirtualMachineScaleSetInner scaleSet,
                                     String instanceId, Optional<VirtualMachineScaleSetVMInner> member,
                                     PermissionsAt permissionsAt, List<String> actions) {
        if (member.isEmpty()) {
            return goneOrNotMember(group, scaleSetId, instanceId, memberKey(scaleSetId, instanceId));
        }
        VirtualMachineScaleSetVMInner vm = member.get();
        Optional<String> alreadyDone = alreadyDone(vm);
        if (alreadyDone.isPresent()) {
            return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, alreadyDone.get());
        }
        TerminateAction action = config.terminateAction();
        StringBuilder proven = new StringBuilder("dry run, nothing changed. Proven: scale set ").append(describe(scaleSetId))
                .append(" exists in ").append(region(scaleSet)).append(" (Uniform, capacity ").append(capacity(scaleSet))
                .append("); instance ").append(instanceId).append(" is a member (provisioning ")
                .append(vm.provisioningState()).append(", power ").append(MemberState.powerState(vm).orElse("unknown"))
                .append(")");
        String notProven = "that the " + action.configName() + " will succeed (deny assignments, resource locks and Azure"
                + " Policy are not visible to the permissions check" + (action == TerminateAction.DELETE
                ? "; nor is the quota Azure needs to create the replacement" : "") + ")";
        List<String> needed = new ArrayList<>(List.of(ARM_READ_SCALE_SET, ARM_READ_MEMBERS));
        needed.addAll(actions);
        List<PermissionInner> permissions;
        try {
            permissions = permissionsAt.read();
        } catch (RuntimeException e) {
            ProviderException failure = errors.translate("reading the identity's permissions on " + describe(scaleSetId), e);
            if (failure.kind() == Kind.THROTTLED || failure.kind() == Kind.TRANSIENT || failure.kind() == Kind.UNAVAILABLE) {
                throw failure;
            }
            return new TerminationResult(group, instanceId, Outcome.DRY_RUN_WOULD_TERMINATE, proven + ". Not proven: "
                    + "that the identity may " + String.join(", ", actions) + " (its permissions could"
                    + " not be read: " + failure.getMessage() + "); " + notProven + ".");
        }
        List<String> missing = new PermissionCheck(permissions).missing(needed);
        if (!missing.isEmpty()) {
            throw new ProviderException(Kind.PERMISSION_DENIED, "dry run of " + action.configName() + " on instance "
                    + instanceId + " of scale set " + describe(scaleSetId) + ": the identity's role assignments do not"
                    + " grant " + String.join(", ", missing) + " at that scale set");
        }
        return new TerminationResult(group, instanceId, Outcome.DRY_RUN_WOULD_TERMINATE, proven
                + "; the identity's role assignments grant " + String.join(", ", needed) + " at the scale set. Not proven: "
                + notProven + ".");
    }

    /**
     * The id under which Azure's activity log records this termination's operations: derived from the idempotency key,
     * so that retries of one termination share it.
     */
    static String correlationId(TerminationRequest request) {
        return UUID.nameUUIDFromBytes(("macaque:" + request.idempotencyKey()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private TerminationResult goneOrNotMember(GroupRef group, ScaleSetId scaleSetId, String instanceId, String memberKey) {
        if (ledger.wasTerminated(memberKey)) {
            return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, "instance " + instanceId
                    + " of scale set " + describe(scaleSetId) + " was terminated earlier and no longer exists");
        }
        throw new ProviderException(Kind.NOT_FOUND, "instance " + instanceId + " is not a member of scale set "
                + describe(scaleSetId) + " (group " + group + ")");
    }

    /** Why there is nothing to do for {@code vm} under the configured action, if there is nothing. */
    private Optional<String> alreadyDone(VirtualMachineScaleSetVMInner vm) {
        if (MemberState.isDeleting(vm)) {
            return Optional.of("instance " + MemberState.instanceId(vm) + " is already being deleted");
        }
        String power = MemberState.powerState(vm).orElse("");
        boolean done = switch (config.terminateAction()) {
            case DEALLOCATE -> power.equals("deallocated") || power.equals("deallocating");
            case POWER_OFF -> power.equals("stopped") || power.equals("stopping")
                    || power.equals("deallocated") || power.equals("deallocating");
            default -> false;
        };
        return done ? Optional.of("instance " + MemberState.instanceId(vm) + " is already " + power) : Optional.empty();
    }

    /** Runs a long-running operation to its end, bounded by {@code operationTimeout}. */
    private <T, U> void await(String what, Supplier<SyncPoller<PollResult<T>, U>> start) {
        SyncPoller<PollResult<T>, U> poller;
        try {
            poller = start.get();
        } catch (RuntimeException e) {
            throw errors.translate(what, e);
        }
        PollResponse<PollResult<T>> last;
        try {
            last = poller.waitForCompletion(config.operationTimeout());
        } catch (RuntimeException e) {
            // Azure accepted the operation: whatever stopped us watching it (the timeout, a poll the call budget
            // refused, a poll that failed), it may still complete.
            if (isTimeout(e)) {
                throw new OutcomeUnknownException(what + ": Azure did not finish the operation within "
                        + config.operationTimeout() + " (operationTimeout); it may still complete", e);
            }
            throw new OutcomeUnknownException(what + ": Azure accepted the operation, but waiting for its end failed ("
                    + errors.translate("polling it", e).getMessage() + "); it may still complete", e);
        }
        LongRunningOperationStatus status = last.getStatus();
        if (status == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            return;
        }
        if (!status.isComplete()) {
            throw new OutcomeUnknownException(what + ": Azure did not finish the operation within "
                    + config.operationTimeout() + " (operationTimeout, last status " + status + "); it may still complete", null);
        }
        PollResult.Error error = last.getValue() == null ? null : last.getValue().getError();
        Optional<ManagementError> azureError = error == null ? Optional.empty() : asyncOperationError(error.getResponseBody());
        String code = azureError.map(ManagementError::getCode).orElse("");
        String message = azureError.map(ManagementError::getMessage)
                .orElse(error == null ? "no error detail" : error.getMessage());
        Kind kind = code.equals("AuthorizationFailed") ? Kind.PERMISSION_DENIED
                : code.equals("Conflict") || code.equals("OperationNotAllowed") ? Kind.CONFLICT : Kind.TRANSIENT;
        throw new ProviderException(kind, what + ": the operation failed in Azure (status " + status
                + (code.isEmpty() ? "" : ", code " + code) + "): " + message);
    }

    /** The {@code error} of an async-operation status body ({@code {"status":"Failed","error":{"code":..}}}). */
    private static Optional<ManagementError> asyncOperationError(String body) {
        return Optional.ofNullable(ArmConnection.errorOf(body));
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private List<VirtualMachineScaleSetInner> scaleSetsOf(String subscription) {
        ComputeManagementClient compute = arm.compute(subscription);
        List<VirtualMachineScaleSetInner> found = new ArrayList<>();
        if (config.resourceGroups().isEmpty()) {
            call("listing scale sets of subscription " + subscription,
                    () -> compute.getVirtualMachineScaleSets().list(Context.NONE).forEach(found::add));
            return found;
        }
        for (String resourceGroup : new TreeSet<>(config.resourceGroups())) {
            try {
                call("listing scale sets of resource group " + resourceGroup + " in subscription " + subscription,
                        () -> compute.getVirtualMachineScaleSets().listByResourceGroup(resourceGroup, Context.NONE)
                                .forEach(found::add));
            } catch (ProviderException e) {
                if (e.kind() != Kind.NOT_FOUND) {
                    throw e;
                }
                // One subscription may lack a resource group that another one has: not an error for the listing,
                // but a misspelt name would silently hide groups, so say it.
                logger.log(System.Logger.Level.WARNING, "configured resource group {0} does not exist in subscription {1}",
                        resourceGroup, subscription);
            }
        }
        return found;
    }

    private VirtualMachineScaleSetInner scaleSet(GroupRef group, ScaleSetId scaleSetId) {
        VirtualMachineScaleSetInner scaleSet;
        try {
            scaleSet = arm.compute(scaleSetId.subscriptionId()).getVirtualMachineScaleSets()
                    .getByResourceGroup(scaleSetId.resourceGroup(), scaleSetId.name());
        } catch (RuntimeException e) {
            ProviderException failure = errors.translate("reading scale set " + describe(scaleSetId), e);
            if (failure.kind() == Kind.NOT_FOUND) {
                throw new ProviderException(Kind.NOT_FOUND, "group " + group + ": scale set " + describe(scaleSetId)
                        + " does not exist", e);
            }
            throw failure;
        }
        if (scaleSet == null || !region(scaleSet).equals(group.region().toLowerCase(Locale.ROOT))) {
            throw new ProviderException(Kind.NOT_FOUND, "group " + group + ": scale set " + describe(scaleSetId)
                    + " is not in region " + group.region() + (scaleSet == null ? "" : " but in " + region(scaleSet)));
        }
        if (isFlexible(scaleSet)) {
            throw new ProviderException(Kind.INVALID_REQUEST, "group " + group + ": scale set " + describe(scaleSetId)
                    + " uses Flexible orchestration, which the azure provider does not support yet (Uniform only)");
        }
        return scaleSet;
    }

    private List<VirtualMachineScaleSetVMInner> members(ScaleSetId scaleSetId) {
        List<VirtualMachineScaleSetVMInner> members = new ArrayList<>();
        call("listing instances of scale set " + describe(scaleSetId), () -> arm.compute(scaleSetId.subscriptionId())
                .getVirtualMachineScaleSetVMs().list(scaleSetId.resourceGroup(), scaleSetId.name(), null, null,
                        "instanceView", Context.NONE).forEach(members::add));
        return members;
    }

    private Optional<VirtualMachineScaleSetVMInner> member(ScaleSetId scaleSetId, String instanceId) {
        if (instanceId.contains("/") || instanceId.isBlank()) {
            return Optional.empty();
        }
        try {
            // Read through the scale set's own path: an instance of another scale set is not found here.
            return Optional.ofNullable(arm.compute(scaleSetId.subscriptionId()).getVirtualMachineScaleSetVMs()
                    .getWithResponse(scaleSetId.resourceGroup(), scaleSetId.name(), instanceId,
                            InstanceViewTypes.INSTANCE_VIEW, Context.NONE).getValue());
        } catch (RuntimeException e) {
            if (ArmErrors.isNotFound(e)) {
                return Optional.empty();
            }
            throw errors.translate("reading instance " + instanceId + " of scale set " + describe(scaleSetId), e);
        }
    }

    private void call(String what, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            throw errors.translate(what, e);
        }
    }

    /** The scale set a group names, if it is within this provider's configured scope. */
    private ScaleSetId resolve(GroupRef group) {
        if (!group.provider().equals(id)) {
            throw new ProviderException(Kind.NOT_FOUND, "group " + group + " belongs to provider instance '"
                    + group.provider() + "', not to '" + id + "'");
        }
        String[] parts = group.name().split("/", -1);
        ScaleSetId scaleSetId;
        if (parts.length == 2 && !config.namesCarrySubscription()) {
            scaleSetId = new ScaleSetId(config.subscriptions().get(0), parts[0], parts[1]);
        } else if (parts.length == 3 && config.namesCarrySubscription()) {
            scaleSetId = new ScaleSetId(parts[0], parts[1], parts[2]);
        } else {
            throw new ProviderException(Kind.NOT_FOUND, "group " + group + ": the name must be "
                    + (config.namesCarrySubscription() ? "subscriptionId/resourceGroup/scaleSet" : "resourceGroup/scaleSet")
                    + " for this provider instance");
        }
        for (String part : parts) {
            if (part.isBlank()) {
                throw new ProviderException(Kind.NOT_FOUND, "group " + group + ": the name has an empty part");
            }
        }
        boolean subscriptionKnown = config.subscriptions().stream().anyMatch(s -> s.equalsIgnoreCase(scaleSetId.subscriptionId()));
        boolean resourceGroupInScope = config.resourceGroups().isEmpty()
                || config.resourceGroups().contains(scaleSetId.resourceGroup().toLowerCase(Locale.ROOT));
        boolean regionInScope = config.regions().isEmpty() || config.regions().contains(group.region().toLowerCase(Locale.ROOT));
        if (!subscriptionKnown || !resourceGroupInScope || !regionInScope) {
            throw new ProviderException(Kind.NOT_FOUND, "group " + group + " is outside this provider instance's"
                    + " configured subscriptions, resource groups or regions");
        }
        return scaleSetId;
    }

    private static GroupSummary summary(GroupRef ref, VirtualMachineScaleSetInner scaleSet) {
        return new GroupSummary(ref, (int) capacity(scaleSet), optInKeysCanonical(scaleSet.tags()));
    }

    /**
     * Azure tag names are case-insensitive ({@code Macaque-Enabled} and {@code macaque-enabled} are one tag), so the
     * two opt-in keys are reported under their canonical lower-case names, whatever case the owner wrote them in.
     * Other tags are reported as written.
     */
    static Map<String, String> optInKeysCanonical(Map<String, String> tags) {
        if (tags == null) {
            return Map.of();
        }
        Map<String, String> out = new java.util.TreeMap<>();
        tags.forEach((key, value) -> {
            String canonical = key.equalsIgnoreCase(OptIn.ENABLED_KEY) ? OptIn.ENABLED_KEY
                    : key.equalsIgnoreCase(OptIn.WEIGHT_KEY) ? OptIn.WEIGHT_KEY : key;
            out.put(canonical, value == null ? "" : value);
        });
        return out;
    }

    private static long capacity(VirtualMachineScaleSetInner scaleSet) {
        return scaleSet.sku() == null || scaleSet.sku().capacity() == null ? 0 : scaleSet.sku().capacity();
    }

    /** Locations come as {@code westeurope}; normalise the display form ({@code West Europe}) just in case. */
    private static String region(VirtualMachineScaleSetInner scaleSet) {
        return scaleSet.location() == null ? "" : scaleSet.location().replace(" ", "").toLowerCase(Locale.ROOT);
    }

    private static boolean isFlexible(VirtualMachineScaleSetInner scaleSet) {
        return OrchestrationMode.FLEXIBLE.equals(scaleSet.orchestrationMode());
    }

    private String describe(ScaleSetId scaleSetId) {
        return scaleSetId.groupName(config.namesCarrySubscription());
    }

    private static String memberKey(ScaleSetId scaleSetId, String instanceId) {
        return (scaleSetId.subscriptionId() + "/" + scaleSetId.resourceGroup() + "/" + scaleSetId.name()).toLowerCase(Locale.ROOT)
                + "/" + instanceId;
    }

    /**
     * Azure accepted a long-running operation whose end was not seen (it outlasted {@code operationTimeout}, or a poll
     * was refused by the call budget or failed): Azure may still complete it. Retryable.
     */
    static final class OutcomeUnknownException extends ProviderException {
        private static final long serialVersionUID = 1L;

        OutcomeUnknownException(String message, Throwable cause) {
            super(Kind.TRANSIENT, message, cause);
        }
    }

    @Override
    public void close() {
        arm.close();
    }

    @Override
    public String toString() {
        return "AzureCloudProvider[" + id + ", " + config + "]";
    }
}
