package dev.macaque.plugin;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.util.List;

/**
 * A real cloud while the server is in {@code mode: leashed}: every termination becomes a dry run, whatever the
 * experiment asked for. The guard sits at the provider boundary so that no code path above it can forget it.
 */
final class LeashedCloudProvider implements CloudProvider {
    private final CloudProvider delegate;

    LeashedCloudProvider(CloudProvider delegate) {
        this.delegate = delegate;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        return delegate.listGroups(filter);
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        return delegate.describeGroup(group);
    }

    @Override
    public DescribedGroups describeGroups(List<GroupRef> groups) {
        return delegate.describeGroups(groups);
    }

    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, java.util.function.Predicate<GroupSummary> read) {
        return delegate.listAndDescribeGroups(filter, read);
    }

    @Override
    public boolean listingCarriesMembers() {
        return delegate.listingCarriesMembers();
    }

    @Override
    public boolean gatesEachRequest() {
        return delegate.gatesEachRequest();
    }

    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        return delegate.describeListedGroups(listed);
    }

    @Override
    public GroupHealth health(GroupRef group) {
        return delegate.health(group);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        if (request.dryRun()) {
            return delegate.terminate(request);
        }
        TerminationRequest dryRun = new TerminationRequest(request.group(), request.instanceId(), true,
                request.reason(), request.idempotencyKey());
        TerminationResult result = delegate.terminate(dryRun);
        return new TerminationResult(result.group(), result.instanceId(), result.outcome(),
                "leashed (mode: leashed forces dry-run on real clouds): " + result.detail());
    }

    /** The cloud's batch call, every request forced to a dry run as {@link #terminate} forces one. */
    @Override
    public java.util.List<dev.macaque.spi.MemberTermination> terminateMembers(GroupRef group, java.util.List<TerminationRequest> requests) {
        java.util.List<TerminationRequest> dryRuns = requests.stream().map(r -> r.dryRun() ? r
                : new TerminationRequest(r.group(), r.instanceId(), true, r.reason(), r.idempotencyKey())).toList();
        java.util.List<dev.macaque.spi.MemberTermination> outcomes = delegate.terminateMembers(group, dryRuns);
        java.util.List<dev.macaque.spi.MemberTermination> answered = new java.util.ArrayList<>(outcomes.size());
        for (dev.macaque.spi.MemberTermination outcome : outcomes) {
            TerminationRequest asked = requests.stream().filter(r -> r.instanceId().equals(outcome.request().instanceId()))
                    .findFirst().orElse(outcome.request());
            if (asked.dryRun() || outcome.result() == null) {
                answered.add(outcome.result() == null ? dev.macaque.spi.MemberTermination.failed(asked, outcome.error()) : outcome);
            } else {
                TerminationResult result = outcome.result();
                answered.add(dev.macaque.spi.MemberTermination.done(asked, new TerminationResult(result.group(), result.instanceId(),
                        result.outcome(), "leashed (mode: leashed forces dry-run on real clouds): " + result.detail())));
            }
        }
        return answered;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
