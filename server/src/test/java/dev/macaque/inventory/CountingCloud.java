package dev.macaque.inventory;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import dev.macaque.spi.testing.InMemoryCloud;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A cloud that counts what reaches it, as a loopback endpoint would: listings, and member reads per group. Its
 * listing carries members or not, like AWS or like Azure and GCP; the next calls of an operation can be made to fail.
 */
final class CountingCloud implements CloudProvider {
    final InMemoryCloud cloud;
    final boolean listingCarriesMembers;
    final AtomicInteger listings = new AtomicInteger();
    final Map<GroupRef, AtomicInteger> memberReads = new ConcurrentHashMap<>();
    final AtomicInteger otherReads = new AtomicInteger();
    private final Map<String, Deque<ProviderException>> failures = new ConcurrentHashMap<>();
    volatile CountDownLatch listingGate;

    CountingCloud(String id, int groups, boolean listingCarriesMembers) {
        this.cloud = new InMemoryCloud(id);
        for (int i = 0; i < groups; i++) {
            cloud.group("r1", String.format("g%04d", i), 2, Map.of("macaque-enabled", i % 2 == 0 ? "true" : "false"));
        }
        this.listingCarriesMembers = listingCarriesMembers;
    }

    CountingCloud failNext(String operation, ProviderException failure) {
        failures.computeIfAbsent(operation, k -> new ArrayDeque<>()).add(failure);
        return this;
    }

    private void maybeFail(String operation) {
        Deque<ProviderException> queue = failures.get(operation);
        ProviderException next = queue == null ? null : queue.poll();
        if (next != null) {
            throw next;
        }
    }

    int memberReadsTotal() {
        return memberReads.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int mostReadsOfOneGroup() {
        return memberReads.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    /** A factory of type {@code counting} that hands out this cloud. */
    ProviderFactory factory() {
        CloudProvider self = this;
        return new ProviderFactory() {
            @Override public String type() { return "counting"; }
            @Override public String spiVersion() { return SpiVersion.CURRENT; }
            @Override public String description() { return "counting test cloud"; }
            @Override public List<ConfigKey> configKeys() { return List.of(); }
            @Override public CloudProvider create(ProviderContext context) { return self; }
        };
    }

    @Override public String id() { return cloud.id(); }
    @Override public String type() { return "counting"; }

    @Override
    public boolean listingCarriesMembers() {
        return listingCarriesMembers;
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        listings.incrementAndGet();
        CountDownLatch gate = listingGate;
        if (gate != null) {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        maybeFail("list");
        return cloud.listGroups(filter);
    }

    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, Predicate<GroupSummary> read) {
        if (!listingCarriesMembers) {
            return CloudProvider.super.listAndDescribeGroups(filter, read);
        }
        List<GroupSummary> listed = listGroups(filter);
        return new ListedGroups(listed, DescribedGroups.oneByOne(cloud, listed.stream().filter(read).map(GroupSummary::ref).toList()));
    }

    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        listed.forEach(g -> memberReads.computeIfAbsent(g.ref(), k -> new AtomicInteger()).incrementAndGet());
        maybeFail("members");
        return DescribedGroups.oneByOne(cloud, listed.stream().map(GroupSummary::ref).toList());
    }

    @Override
    public DescribedGroups describeGroups(List<GroupRef> groups) {
        otherReads.incrementAndGet();
        return DescribedGroups.oneByOne(cloud, groups);
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        otherReads.incrementAndGet();
        return cloud.describeGroup(group);
    }

    @Override
    public GroupHealth health(GroupRef group) {
        otherReads.incrementAndGet();
        return cloud.health(group);
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        return cloud.terminate(request);
    }
}
