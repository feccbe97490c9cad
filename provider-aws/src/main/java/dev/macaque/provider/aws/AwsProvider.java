package dev.macaque.provider.aws;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.LifecycleState;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.TerminationResult.Outcome;
import dev.macaque.spi.VmGroup;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.model.Activity;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.Filter;
import software.amazon.awssdk.services.autoscaling.model.TagDescription;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * A {@link CloudProvider} over one AWS account and a list of regions: a VM group is an Auto Scaling group.
 *
 * <p>Thread-safe: the SDK clients are, and the only mutable state is the {@link TerminationLedger}.
 */
final class AwsProvider implements CloudProvider {

    static final String TYPE = "aws";
    /** The tag EC2 Auto Scaling puts on every instance it launches. */
    static final String GROUP_NAME_TAG = "aws:autoscaling:groupName";
    /** Group names per DescribeAutoScalingGroups call (AWS's MaxRecords, which also bounds the names per page). */
    private static final int NAMES_PER_CALL = 100;
    /** Ids per DescribeInstances filter value list (AWS allows up to 200 values per filter). */
    private static final int INSTANCE_BATCH = 200;
    private static final int LEDGER_CAPACITY = 10_000;
    private static final Set<String> TERMINAL_EC2_STATES = Set.of("terminated", "shutting-down");

    private final String id;
    private final AwsSettings settings;
    private final AwsClients clients;
    private final System.Logger logger;
    private final TerminationLedger ledger = new TerminationLedger(LEDGER_CAPACITY);
    private final AtomicBoolean closed = new AtomicBoolean();

    AwsProvider(String id, AwsSettings settings, AwsClients clients, System.Logger logger) {
        this.id = id;
        this.settings = settings;
        this.clients = clients;
        this.logger = logger;
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
        return listAndDescribeGroups(filter, summary -> false).listed();
    }

    /**
     * DescribeAutoScalingGroups answers a listing page with every group's members, lifecycle state and health, so the
     * groups {@code read} accepts are taken from the listing itself: discovering a fleet costs the listing's pages
     * (100 groups a call) and nothing more. Launch times are left out, as in {@link #describeGroups(List)}.
     */
    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, Predicate<GroupSummary> read) {
        List<GroupSummary> listed = new ArrayList<>();
        List<VmGroup> described = new ArrayList<>();
        for (String region : settings.regions()) {
            if (!filter.regions().isEmpty() && !filter.regions().contains(region)) {
                continue;
            }
            for (AutoScalingGroup group : describeGroups(region, filter.tags())) {
                GroupSummary summary = summary(region, group);
                // AWS applied the tag filters already; checking again costs nothing and guards against endpoints
                // (emulators) that ignore a filter.
                if (filter.matches(region, summary.tags())) {
                    listed.add(summary);
                    if (read.test(summary)) {
                        described.add(vmGroup(summary.ref(), group, Map.of()));
                    }
                }
            }
        }
        Comparator<GroupRef> order = Comparator.comparing(GroupRef::region).thenComparing(GroupRef::name);
        listed.sort(Comparator.comparing(GroupSummary::ref, order));
        described.sort(Comparator.comparing(VmGroup::ref, order));
        return new ListedGroups(listed, new DescribedGroups(described, Map.of(), List.of()));
    }

    /** The listing's pages carry every member with its health (SPI 1.3): the inventory reads nothing else. */
    @Override
    public boolean listingCarriesMembers() {
        return true;
    }

    /** Every request of every client, each page and each SDK retry, passes the context's gate ({@link GatedRequests}). */
    @Override
    public boolean gatesEachRequest() {
        return true;
    }

    @Override
    public VmGroup describeGroup(GroupRef ref) {
        AwsClients.RegionClients region = regionOf(ref);
        AutoScalingGroup group = findGroup(region, ref);
        Map<String, Instant> launchTimes = launchTimes(region,
                group.instances().stream().map(software.amazon.awssdk.services.autoscaling.model.Instance::instanceId).toList());
        return vmGroup(ref, group, launchTimes);
    }

    private VmGroup vmGroup(GroupRef ref, AutoScalingGroup group, Map<String, Instant> launchTimes) {
        List<Instance> instances = group.instances().stream()
                .map(i -> new Instance(i.instanceId(), nullToEmpty(i.availabilityZone()),
                        AsgStates.lifecycle(i.lifecycleStateAsString()),
                        AsgStates.healthy(i.healthStatus()), launchTimes.get(i.instanceId())))
                .toList();
        return new VmGroup(summary(ref.region(), group), instances);
    }

    /**
     * DescribeAutoScalingGroups takes many names per call and answers with each group's members, lifecycle state and
     * health: {@value #NAMES_PER_CALL} groups cost one call. Launch times (an EC2 call per group) are left out.
     */
    @Override
    public DescribedGroups describeGroups(List<GroupRef> refs) {
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        Map<String, List<GroupRef>> byRegion = new TreeMap<>();
        for (GroupRef ref : refs.stream().distinct().toList()) {
            try {
                regionOf(ref);
                byRegion.computeIfAbsent(ref.region(), r -> new ArrayList<>()).add(ref);
            } catch (ProviderException e) {
                notFound.put(ref, e.getMessage());
            }
        }
        Map<GroupRef, VmGroup> found = new HashMap<>();
        for (Map.Entry<String, List<GroupRef>> region : byRegion.entrySet()) {
            AwsClients.RegionClients clientsOfRegion = clients.region(region.getKey());
            List<GroupRef> wanted = region.getValue();
            for (int from = 0; from < wanted.size(); from += NAMES_PER_CALL) {
                List<String> names = wanted.subList(from, Math.min(wanted.size(), from + NAMES_PER_CALL)).stream()
                        .map(GroupRef::name).toList();
                DescribeAutoScalingGroupsRequest request = DescribeAutoScalingGroupsRequest.builder()
                        .autoScalingGroupNames(names).maxRecords(NAMES_PER_CALL).build();
                List<AutoScalingGroup> groups = call("Auto Scaling DescribeAutoScalingGroups in " + region.getKey(),
                        () -> clientsOfRegion.autoScaling().describeAutoScalingGroupsPaginator(request)
                                .autoScalingGroups().stream().toList());
                for (AutoScalingGroup group : groups) {
                    GroupRef ref = new GroupRef(id, region.getKey(), group.autoScalingGroupName());
                    found.put(ref, vmGroup(ref, group, Map.of()));
                }
            }
        }
        List<VmGroup> ordered = new ArrayList<>();
        for (GroupRef ref : refs.stream().distinct().toList()) {
            VmGroup group = found.get(ref);
            if (group != null) {
                ordered.add(group);
            } else if (!notFound.containsKey(ref)) {
                notFound.put(ref, "Auto Scaling group '" + ref.name() + "' does not exist in " + ref.region()
                        + " (" + ref + ")");
            }
        }
        return new DescribedGroups(ordered, notFound, List.of());
    }

    @Override
    public GroupHealth health(GroupRef ref) {
        AutoScalingGroup group = findGroup(regionOf(ref), ref);
        int healthy = 0;
        int pending = 0;
        for (var instance : group.instances()) {
            LifecycleState state = AsgStates.lifecycle(instance.lifecycleStateAsString());
            if (state == LifecycleState.IN_SERVICE && AsgStates.healthy(instance.healthStatus())) {
                healthy++;
            } else if (state == LifecycleState.PENDING) {
                pending++;
            }
        }
        return new GroupHealth(ref, desiredCapacity(group), healthy, pending);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        AwsClients.RegionClients region = regionOf(request.group());
        if (request.dryRun()) {
            return dryRun(region, request);
        }
        return ledger.once(request, () -> terminateMember(region, request));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            clients.close();
        }
    }

    // ---- terminate -------------------------------------------------------------------------------------------

    /** Where an instance stands relative to the group a request names. */
    private sealed interface Membership {
    }

    private record Member(String lifecycleState) implements Membership {
    }

    private record Gone(String evidence) implements Membership {
    }

    private record NotMember(String reason) implements Membership {
    }

    private TerminationResult dryRun(AwsClients.RegionClients region, TerminationRequest request) {
        GroupRef group = request.group();
        String instanceId = request.instanceId();
        Membership membership = membership(region, group, instanceId);
        if (membership instanceof Gone gone) {
            return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, gone.evidence());
        }
        if (membership instanceof NotMember notMember) {
            throw new ProviderException(Kind.NOT_FOUND, notMember.reason());
        }
        String state = ((Member) membership).lifecycleState();
        try {
            call("EC2 TerminateInstances (DryRun) in " + region.region(),
                    () -> region.ec2().terminateInstances(r -> r.instanceIds(instanceId).dryRun(true)));
        } catch (ProviderException e) {
            if (e.getCause() instanceof SdkException sdk && "DryRunOperation".equals(AwsErrors.code(sdk))) {
                return new TerminationResult(group, instanceId, Outcome.DRY_RUN_WOULD_TERMINATE,
                        "Proven: " + instanceId + " is a member of Auto Scaling group " + group.name() + " (" + state
                                + "), and EC2 answered DryRunOperation to TerminateInstances, so these credentials may"
                                + " terminate this instance. Not proven: the permission"
                                + " autoscaling:TerminateInstanceInAutoScalingGroup (Auto Scaling has no dry-run),"
                                + " and that the group can launch a replacement (launch template, capacity, quotas).");
            }
            throw e;
        }
        // DryRun=true never terminates; an answer without DryRunOperation means the endpoint ignored the flag.
        throw new ProviderException(Kind.INVALID_REQUEST, "EC2 TerminateInstances with DryRun=true for " + instanceId
                + " in " + region.region() + " succeeded instead of answering DryRunOperation; the endpoint "
                + "does not honour dry runs, so the dry run proves nothing");
    }

    private TerminationResult terminateMember(AwsClients.RegionClients region, TerminationRequest request) {
        GroupRef group = request.group();
        String instanceId = request.instanceId();
        Membership membership = membership(region, group, instanceId);
        if (membership instanceof Gone gone) {
            return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, gone.evidence());
        }
        if (membership instanceof NotMember notMember) {
            throw new ProviderException(Kind.NOT_FOUND, notMember.reason());
        }
        Activity activity;
        try {
            activity = call("Auto Scaling TerminateInstanceInAutoScalingGroup in " + region.region(),
                    () -> region.autoScaling().terminateInstanceInAutoScalingGroup(
                            r -> r.instanceId(instanceId).shouldDecrementDesiredCapacity(false))).activity();
        } catch (ProviderException e) {
            if (e.getCause() instanceof SdkException sdk && "ValidationError".equals(AwsErrors.code(sdk))) {
                // Auto Scaling no longer manages the instance: it left the group (or went) since the check above.
                Membership now = membership(region, group, instanceId);
                if (now instanceof Gone gone) {
                    return new TerminationResult(group, instanceId, Outcome.ALREADY_TERMINATED, gone.evidence());
                }
                throw new ProviderException(Kind.NOT_FOUND, instanceId + " is not a member of " + group
                        + ": " + e.getMessage(), e);
            }
            throw e;
        }
        ledger.recordTerminated(group, instanceId);
        logger.log(Level.INFO, "{0}: terminated {1} in {2} (reason: {3})", id, instanceId, group, request.reason());
        String detail = activity == null ? "Auto Scaling accepted the termination; the group keeps its desired capacity"
                : "Auto Scaling activity " + activity.activityId() + ": " + activity.description()
                        + "; the group keeps its desired capacity and launches a replacement";
        return new TerminationResult(group, instanceId, Outcome.TERMINATED, detail);
    }

    /**
     * Checks an instance against the group before anything is terminated: Auto Scaling's own view of the instance
     * first, and EC2's when Auto Scaling no longer knows it.
     */
    private Membership membership(AwsClients.RegionClients region, GroupRef group, String instanceId) {
        List<AutoScalingInstanceDetails> details = call("Auto Scaling DescribeAutoScalingInstances in " + region.region(),
                () -> region.autoScaling().describeAutoScalingInstances(r -> r.instanceIds(instanceId)))
                .autoScalingInstances();
        for (AutoScalingInstanceDetails detail : details) {
            if (!instanceId.equals(detail.instanceId())) {
                continue;
            }
            if (!group.name().equals(detail.autoScalingGroupName())) {
                return new NotMember(instanceId + " is a member of Auto Scaling group '" + detail.autoScalingGroupName()
                        + "' in " + region.region() + ", not of " + group + "; it was not terminated");
            }
            String state = nullToEmpty(detail.lifecycleState());
            LifecycleState lifecycle = AsgStates.lifecycle(state);
            if (lifecycle == LifecycleState.TERMINATING || lifecycle == LifecycleState.TERMINATED) {
                return new Gone("Auto Scaling reports " + instanceId + " as " + state + "; nothing was done");
            }
            return new Member(state);
        }
        var ec2Instance = call("EC2 DescribeInstances in " + region.region(),
                () -> region.ec2().describeInstancesPaginator(r -> r.filters(instanceIdFilter(List.of(instanceId)))))
                .reservations().stream().flatMap(r -> r.instances().stream())
                .filter(i -> instanceId.equals(i.instanceId())).findFirst();
        if (ec2Instance.isEmpty()) {
            return new NotMember("instance " + instanceId + " does not exist in " + region.region()
                    + " and is not a member of " + group);
        }
        var instance = ec2Instance.get();
        String ec2State = instance.state() == null ? "" : instance.state().nameAsString();
        String launchedBy = instance.tags().stream().filter(t -> GROUP_NAME_TAG.equals(t.key()))
                .map(Tag::value).findFirst().orElse("");
        boolean wasMember = launchedBy.equals(group.name())
                || (launchedBy.isEmpty() && ledger.terminatedHere(group, instanceId));
        if (TERMINAL_EC2_STATES.contains(ec2State) && wasMember) {
            return new Gone("EC2 reports " + instanceId + ", formerly a member of " + group.name() + ", as " + ec2State
                    + "; nothing was done");
        }
        return new NotMember(instanceId + " is not a member of " + group + " (EC2 state " + ec2State
                + (launchedBy.isEmpty() ? "" : ", launched by group '" + launchedBy + "'") + "); it was not terminated");
    }

    // ---- reading groups --------------------------------------------------------------------------------------

    private List<AutoScalingGroup> describeGroups(String region, Map<String, String> tags) {
        AwsClients.RegionClients regionClients = clients.region(region);
        List<Filter> filters = new TreeMap<>(tags).entrySet().stream()
                .map(t -> Filter.builder().name("tag:" + t.getKey()).values(t.getValue()).build())
                .toList();
        DescribeAutoScalingGroupsRequest request = DescribeAutoScalingGroupsRequest.builder()
                .filters(filters.isEmpty() ? null : filters)
                .maxRecords(100)
                .build();
        return call("Auto Scaling DescribeAutoScalingGroups in " + region,
                () -> regionClients.autoScaling().describeAutoScalingGroupsPaginator(request).autoScalingGroups().stream().toList());
    }

    private AutoScalingGroup findGroup(AwsClients.RegionClients region, GroupRef ref) {
        List<AutoScalingGroup> found = call("Auto Scaling DescribeAutoScalingGroups in " + region.region(),
                () -> region.autoScaling().describeAutoScalingGroups(r -> r.autoScalingGroupNames(ref.name()))
                        .autoScalingGroups());
        return found.stream().filter(g -> ref.name().equals(g.autoScalingGroupName())).findFirst()
                .orElseThrow(() -> new ProviderException(Kind.NOT_FOUND,
                        "Auto Scaling group '" + ref.name() + "' does not exist in " + ref.region() + " (" + ref + ")"));
    }

    /** Launch times from EC2 (Auto Scaling does not report them); instances EC2 no longer lists are left out. */
    private Map<String, Instant> launchTimes(AwsClients.RegionClients region, List<String> instanceIds) {
        Map<String, Instant> launchTimes = new HashMap<>();
        for (int from = 0; from < instanceIds.size(); from += INSTANCE_BATCH) {
            List<String> batch = instanceIds.subList(from, Math.min(instanceIds.size(), from + INSTANCE_BATCH));
            call("EC2 DescribeInstances in " + region.region(), () -> {
                region.ec2().describeInstancesPaginator(r -> r.filters(instanceIdFilter(batch)))
                        .reservations().stream().flatMap(r -> r.instances().stream())
                        .forEach(i -> launchTimes.put(i.instanceId(), i.launchTime()));
                return null;
            });
        }
        return launchTimes;
    }

    private GroupSummary summary(String region, AutoScalingGroup group) {
        Map<String, String> tags = new TreeMap<>();
        for (TagDescription tag : group.tags()) {
            tags.put(tag.key(), nullToEmpty(tag.value()));
        }
        return new GroupSummary(new GroupRef(id, region, group.autoScalingGroupName()), desiredCapacity(group), tags);
    }

    /** A filter rather than InstanceIds: EC2 fails a whole request for one unknown id, a filter just skips it. */
    private static software.amazon.awssdk.services.ec2.model.Filter instanceIdFilter(List<String> instanceIds) {
        return software.amazon.awssdk.services.ec2.model.Filter.builder().name("instance-id").values(instanceIds).build();
    }

    private static int desiredCapacity(AutoScalingGroup group) {
        return group.desiredCapacity() == null ? 0 : group.desiredCapacity();
    }

    private AwsClients.RegionClients regionOf(GroupRef ref) {
        if (!id.equals(ref.provider())) {
            throw new ProviderException(Kind.NOT_FOUND, "group " + ref + " belongs to provider '" + ref.provider()
                    + "', not to '" + id + "'");
        }
        AwsClients.RegionClients region = clients.region(ref.region());
        if (region == null) {
            throw new ProviderException(Kind.NOT_FOUND, "region '" + ref.region() + "' of group " + ref
                    + " is not among the regions configured for provider '" + id + "': " + settings.regions());
        }
        return region;
    }

    /** Runs one SDK call (with the SDK's own retries) and translates its failure. */
    private <T> T call(String what, Supplier<T> action) {
        if (closed.get()) {
            throw new ProviderException(Kind.UNAVAILABLE, "provider '" + id + "' is closed");
        }
        try {
            return AwsClients.withPluginClassLoader(action);
        } catch (SdkException e) {
            ProviderException translated = AwsErrors.translate(what, e);
            logger.log(Level.DEBUG, "{0}: {1}", id, translated.getMessage());
            throw translated;
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
