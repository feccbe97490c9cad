package dev.macaque.inventory;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A provider as runs, previews and schedules see it on this node: listings (and the members of the groups a listing
 * reader accepts) come from the {@link ProviderInventory}, so a whole-fleet run or preview costs no listing of its
 * own; reads of named groups ({@code describeGroup}, {@code describeGroups}, {@code health}) and terminations go to the
 * cloud, so that the run's decision to kill still reads the victim's group fresh, in the intent's transaction. A
 * termination makes the inventory forget that group's members.
 */
final class InventoriedCloudProvider implements CloudProvider {
    private final CloudProvider cloud;
    private final ProviderInventory inventory;

    InventoriedCloudProvider(CloudProvider cloud, ProviderInventory inventory) {
        this.cloud = Objects.requireNonNull(cloud, "cloud is null");
        this.inventory = Objects.requireNonNull(inventory, "inventory is null");
    }

    @Override
    public String id() {
        return cloud.id();
    }

    @Override
    public String type() {
        return cloud.type();
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        return inventory.listing().groups().stream().filter(g -> filter.matches(g.ref().region(), g.tags())).toList();
    }

    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, Predicate<GroupSummary> read) {
        ProviderListing listing = inventory.listing();
        List<GroupSummary> listed = listing.groups().stream().filter(g -> filter.matches(g.ref().region(), g.tags())).toList();
        List<GroupRef> wanted = listed.stream().filter(read).map(GroupSummary::ref).toList();
        ProviderInventory.Members members = inventory.members(wanted);
        Map<GroupRef, String> notFound = new LinkedHashMap<>(members.errors());
        List<VmGroup> described = wanted.stream().filter(members.found()::containsKey)
                .map(ref -> members.found().get(ref).group()).toList();
        return new ListedGroups(listed, new DescribedGroups(described, notFound, listing.unreachable()));
    }

    @Override
    public boolean listingCarriesMembers() {
        return cloud.listingCarriesMembers();
    }

    @Override
    public boolean gatesEachRequest() {
        return cloud.gatesEachRequest();
    }

    /**
     * The members of groups a run or preview drew from the listing: from the inventory, read from the cloud at most
     * once per refresh interval (a draw is not a decision to kill; the intent reads the victim's group fresh).
     */
    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        List<GroupRef> refs = listed.stream().map(GroupSummary::ref).distinct().toList();
        ProviderInventory.Members members = inventory.members(refs);
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        List<String> unreachable = new java.util.ArrayList<>();
        members.errors().forEach((ref, why) -> {
            if (members.gone().contains(ref)) {
                notFound.put(ref, why);
            } else {
                unreachable.add(ref + ": " + why);
            }
        });
        List<VmGroup> described = refs.stream().filter(members.found()::containsKey)
                .map(ref -> members.found().get(ref).group()).toList();
        return new DescribedGroups(described, notFound, unreachable);
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        return cloud.describeGroup(group);
    }

    @Override
    public DescribedGroups describeGroups(List<GroupRef> groups) {
        return cloud.describeGroups(groups);
    }

    @Override
    public GroupHealth health(GroupRef group) {
        return cloud.health(group);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        try {
            return cloud.terminate(request);
        } finally {
            if (!request.dryRun()) {
                inventory.forget(request.group());
            }
        }
    }

    /** Closing is the provider instances' job, not a view's. */
    @Override
    public List<dev.macaque.spi.MemberTermination> terminateMembers(GroupRef group, List<TerminationRequest> requests) {
        try {
            return cloud.terminateMembers(group, requests);
        } finally {
            if (requests.stream().anyMatch(r -> !r.dryRun())) {
                inventory.forget(group);
            }
        }
    }

    @Override
    public void close() {
    }
}
