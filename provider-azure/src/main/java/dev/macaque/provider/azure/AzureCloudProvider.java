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
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.Instance;
import dev.macaque.spi.LifecycleState;
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
            if (e instanceof OperationTimeoutException && config.terminateAction() == TerminateAction.DELETE) {
                throw new OperationTimeoutException(e.getMessage() + "; retry this termination (same or new idempotency"
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
        String restored = restoreCapacity(group, scaleSetId, before, instanceId, context);
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
        if (member.isPresent() && !MemberState.isDeleting(member.get())) {
            // The earlier delete did not take (Azure cancelled or failed it): start afresh next time.
            ledger.restored(memberKey);
            throw new ProviderException(Kind.CONFLICT, "instance " + instanceId + " of scale set " + describe(scaleSetId)
                    + " survived an earlier delete that did not finish in time (provisioning "
                    + member.get().provisioningState() + "); retry the termination");
        }
        if (member.isPresent()) {
            throw new ProviderException(Kind.TRANSIENT, "instance " + instanceId + " of scale set " + describe(scaleSetId)
                    + " is still being deleted by an earlier request; its capacity is restored once it is gone: retry later");
        }
        ledger.markTerminated(memberKey);
        String restored = restoreCapacity(group, scaleSetId, before, instanceId, context);
        ledger.restored(memberKey);
        return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, "instance " + instanceId
                + " of scale set " + describe(scaleSetId) + " was deleted by an earlier request that outlasted the"
                + " operation timeout; " + restored);
    }

    /**
     * Azure lowers a Uniform scale set's capacity when one of its instances is deleted. Put back the one instance we
     * took so that Azure creates a replacement, without ever going above the capacity read before the delete (an
     * autoscaler that scaled in meanwhile wins).
     */
    private String restoreCapacity(GroupRef group, ScaleSetId scaleSetId, long before, String instanceId, Context context) {
        VirtualMachineScaleSetInner after = scaleSet(group, scaleSetId);
        long now = capacity(after);
        if (now >= before) {
            return "capacity is " + now + " (was " + before + "); Azure replaces the instance";
        }
        long target = Math.min(before, now + 1);
        Sku sku = new Sku().withName(after.sku().name()).withTier(after.sku().tier()).withCapacity(target);
        try {
            await("restoring capacity of scale set " + describe(scaleSetId) + " to " + target, () -> arm
                    .compute(scaleSetId.subscriptionId()).getVirtualMachineScaleSets()
                    .beginUpdate(scaleSetId.resourceGroup(), scaleSetId.name(), new VirtualMachineScaleSetUpdate().withSku(sku),
                            null, null, context));
        } catch (ProviderException e) {
            throw new ProviderException(e.kind(), "instance " + instanceId + " of scale set " + describe(scaleSetId)
                    + " was deleted, but its capacity could not be restored from " + now + " to " + target
                    + " (retrying this termination tries again; by hand: az vmss scale -g " + scaleSetId.resourceGroup()
                    + " -n " + scaleSetId.name() + " --new-capacity " + target + "): " + e.getMessage(), e, e.retryable(),
                    e.retryAfter().orElse(null));
        }
        return "capacity restored from " + now + " to " + target + " so that Azure creates a replacement";
    }

    private TerminationResult dryRun(TerminationRequest request) {
        GroupRef group = request.group();
        ScaleSetId scaleSetId = resolve(group);
        VirtualMachineScaleSetInner scaleSet = scaleSet(group, scaleSetId);
        String instanceId = request.instanceId();
        Optional<VirtualMachineScaleSetVMInner> member = member(scaleSetId, instanceId);
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
        needed.addAll(action.requiredActions());
        List<PermissionInner> permissions;
        try {
            permissions = arm.permissionsAt(scaleSetId.resourceId(), Context.NONE);
        } catch (RuntimeException e) {
            ProviderException failure = errors.translate("reading the identity's permissions on " + describe(scaleSetId), e);
            if (failure.kind() == Kind.THROTTLED || failure.kind() == Kind.TRANSIENT || failure.kind() == Kind.UNAVAILABLE) {
                throw failure;
            }
            return new TerminationResult(group, instanceId, Outcome.DRY_RUN_WOULD_TERMINATE, proven + ". Not proven: "
                    + "that the identity may " + String.join(", ", action.requiredActions()) + " (its permissions could"
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
        PollResponse<PollResult<T>> last;
        try {
            poller = start.get();
            last = poller.waitForCompletion(config.operationTimeout());
        } catch (RuntimeException e) {
            if (isTimeout(e)) {
                throw new OperationTimeoutException(what + ": Azure did not finish the operation within "
                        + config.operationTimeout() + " (operationTimeout); it may still complete", e);
            }
            throw errors.translate(what, e);
        }
        LongRunningOperationStatus status = last.getStatus();
        if (status == LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
            return;
        }
        if (!status.isComplete()) {
            throw new OperationTimeoutException(what + ": Azure did not finish the operation within "
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

    /** A long-running operation outlasted {@code operationTimeout}; Azure may still complete it. */
    static final class OperationTimeoutException extends ProviderException {
        private static final long serialVersionUID = 1L;

        OperationTimeoutException(String message, Throwable cause) {
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
