package dev.macaque.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.macaque.cloudcalls.CloudCallMetrics;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.groups.GroupDiscovery;
import dev.macaque.groups.GroupDiscovery.GroupPage;
import dev.macaque.groups.GroupDiscovery.GroupView;
import dev.macaque.groups.GroupDiscovery.Query;
import dev.macaque.plugin.InstalledProvider;
import dev.macaque.plugin.ProviderCatalog;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the group listing API, the group view and the dashboard's pages cost the cloud once they read the inventory:
 * counted where the calls arrive, through the same governed provider chain the server builds.
 */
class FleetInventoryTest {
    private static final Duration REFRESH = Duration.ofSeconds(60);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
    private final CloudCallMetrics metrics = new CloudCallMetrics(new SimpleMeterRegistry());
    private ProviderInstances instances;
    private FleetInventory inventory;

    private GroupDiscovery discovery(CountingCloud cloud) {
        ProviderCatalog catalog = new ProviderCatalog(List.of(new InstalledProvider(cloud.factory(), InstalledProvider.BUILT_IN,
                getClass().getClassLoader())), List.of());
        MacaqueConfig config = new MacaqueConfig(null, MacaqueConfig.Mode.UNLEASHED, null, null, null,
                Map.of(cloud.id(), Map.of("type", "counting", "callsPerSecond", 10_000, "burst", 1_000)));
        instances = ProviderInstances.create(catalog, config, clock, metrics);
        inventory = new FleetInventory(instances, REFRESH, clock, false);
        return new GroupDiscovery(instances, inventory);
    }

    @AfterEach
    void close() {
        if (inventory != null) {
            inventory.close();
        }
        if (instances != null) {
            instances.close();
        }
    }

    /** 50 API listings (pages of 100 and filtered ones), 10 group views and 10 overviews (500 groups), twice. */
    private void viewsOfARound(GroupDiscovery discovery) {
        for (int i = 0; i < 50; i++) {
            GroupPage first = discovery.list(new Query(null, null, i % 3 == 0 ? Boolean.TRUE : null, Map.of(), null, null, 100));
            if (first.nextAfter() != null) {
                discovery.list(new Query(null, null, null, Map.of(), null, first.nextAfter(), 100));
            }
        }
        for (int i = 0; i < 10; i++) {
            assertThat(discovery.find("gcp-like", "r1", String.format("g%04d", i * 7))).isPresent();
            discovery.list(Query.all(500));
        }
    }

    @Test
    void withinOneRefreshAnyNumberOfViewsListTheFleetOnceAndReadEachGroupsMembersAtMostOnce() {
        CountingCloud cloud = new CountingCloud("gcp-like", 200, false);
        GroupDiscovery discovery = discovery(cloud);

        viewsOfARound(discovery);
        int listings = cloud.listings.get();
        int reads = cloud.memberReadsTotal();
        viewsOfARound(discovery);

        System.out.printf("CLOUD-CALLS inventory groups=200 views=2x(150 listings+10 group views) listings=%d memberReads=%d"
                + " mostReadsOfOneGroup=%d secondRound=%d other=%d%n", cloud.listings.get(), cloud.memberReadsTotal(),
                cloud.mostReadsOfOneGroup(), cloud.listings.get() - listings + cloud.memberReadsTotal() - reads, cloud.otherReads.get());
        assertThat(listings).isEqualTo(1);
        assertThat(cloud.mostReadsOfOneGroup()).isEqualTo(1);
        assertThat(reads).isEqualTo(200);
        assertThat(cloud.listings.get()).as("a second round of the same views costs no cloud call").isEqualTo(1);
        assertThat(cloud.memberReadsTotal()).isEqualTo(200);
        assertThat(cloud.otherReads.get()).as("no health() or describeGroup per group").isZero();
    }

    @Test
    void whereTheListingCarriesMembersNothingElseIsRead() {
        CountingCloud cloud = new CountingCloud("aws-like", 200, true);
        GroupDiscovery discovery = discovery(cloud);

        GroupPage page = discovery.list(Query.all(1000));
        viewsOfAround(discovery);

        assertThat(page.items()).hasSize(200).allSatisfy(g -> assertThat(g.healthyInService()).isEqualTo(2));
        assertThat(cloud.listings.get()).isEqualTo(1);
        assertThat(cloud.memberReadsTotal()).isZero();
        assertThat(cloud.otherReads.get()).isZero();

        clock.advance(REFRESH.plusSeconds(1));
        viewsOfAround(discovery);
        await().atMost(Duration.ofSeconds(5)).until(() -> cloud.listings.get() == 2);
        viewsOfAround(discovery);
        assertThat(cloud.memberReadsTotal()).as("members renewed with the listing, never read on their own").isZero();
        assertThat(cloud.listings.get()).isEqualTo(2);
    }

    private void viewsOfAround(GroupDiscovery discovery) {
        for (int i = 0; i < 20; i++) {
            discovery.list(Query.all(100));
        }
    }

    @Test
    void everyGroupSaysWhenItWasObserved() {
        CountingCloud cloud = new CountingCloud("gcp-like", 3, false);
        GroupDiscovery discovery = discovery(cloud);
        Instant listedAt = clock.instant();
        discovery.list(Query.all(1));
        clock.advance(Duration.ofSeconds(12));

        GroupPage page = discovery.list(Query.all(10));

        // g0000's members were read with the listing, the others' 12 s later: each group is as old as its listing.
        assertThat(page.items()).extracting(GroupView::observedAt).containsExactly(listedAt, listedAt, listedAt);
        assertThat(page.observedAt()).isEqualTo(listedAt);
        assertThat(dev.macaque.dashboard.Format.asOf(dev.macaque.dashboard.AsOf.of(page.observedAt(), clock.instant())))
                .isEqualTo("as of 12 s ago");
    }

    @Test
    void afterTheRefreshIntervalTheFleetIsListedOnceMoreAndMembersAreReadAgainWhenNeeded() {
        CountingCloud cloud = new CountingCloud("gcp-like", 20, false);
        GroupDiscovery discovery = discovery(cloud);
        discovery.list(Query.all(5));
        clock.advance(REFRESH.plusSeconds(1));

        for (int i = 0; i < 10; i++) {
            assertThat(discovery.list(Query.all(5)).items()).hasSize(5);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> inventory.provider("gcp-like").orElseThrow().status().observedAt()
                .equals(clock.instant()));
        discovery.list(Query.all(5));

        assertThat(cloud.listings.get()).isEqualTo(2);
        assertThat(cloud.mostReadsOfOneGroup()).isEqualTo(2);
        assertThat(cloud.memberReadsTotal()).as("the 5 groups of the page, once per interval").isEqualTo(10);
    }

    @Test
    void concurrentReadersShareOneListingAndOneMemberRead() throws Exception {
        CountingCloud cloud = new CountingCloud("gcp-like", 50, false);
        GroupDiscovery discovery = discovery(cloud);
        CountDownLatch gate = new CountDownLatch(1);
        cloud.listingGate = gate;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<GroupPage>> readers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            readers.add(pool.submit(() -> discovery.list(Query.all(50))));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> cloud.listings.get() == 1);
        gate.countDown();
        for (Future<GroupPage> reader : readers) {
            assertThat(reader.get(10, TimeUnit.SECONDS).items()).hasSize(50);
        }
        pool.shutdown();

        assertThat(cloud.listings.get()).isEqualTo(1);
        assertThat(cloud.mostReadsOfOneGroup()).isEqualTo(1);
    }

    @Test
    void oneThrottledReadIsRetriedAndNeverReachesThePage() {
        CountingCloud cloud = new CountingCloud("gcp-like", 10, false)
                .failNext("list", new ProviderException(Kind.THROTTLED, "HTTP 429 RESOURCE_EXHAUSTED", null, true, null))
                .failNext("members", new ProviderException(Kind.THROTTLED, "HTTP 429 RESOURCE_EXHAUSTED", null, true, null));
        GroupDiscovery discovery = discovery(cloud);

        GroupPage page = discovery.list(Query.all(10));

        assertThat(page.errors()).isEmpty();
        assertThat(page.items()).hasSize(10).allSatisfy(g -> {
            assertThat(g.healthError()).isNull();
            assertThat(g.healthyInService()).isEqualTo(2);
        });
        assertThat(metrics.throttled("gcp-like")).isEqualTo(2);
        assertThat(metrics.count("gcp-like", "listGroups", "throttled")).isEqualTo(1);
        assertThat(metrics.count("gcp-like", "listGroups", "ok")).isEqualTo(1);
    }

    @Test
    void aGroupWhoseMembersCannotBeReadIsUnreadableNotGoneAndTheOtherGroupsReadsAreKept() {
        CountingCloud cloud = new CountingCloud("gcp-like", 4, false)
                .failNext("members", new ProviderException(Kind.PERMISSION_DENIED, "no read on g0000's resource group"));
        discovery(cloud);
        ProviderInventory provider = inventory.provider("gcp-like").orElseThrow();
        List<GroupRef> refs = provider.listing().groups().stream().map(GroupSummary::ref).toList();

        ProviderInventory.Members members = provider.members(refs);

        GroupRef first = new GroupRef("gcp-like", "r1", "g0000");
        assertThat(members.found()).hasSize(3).doesNotContainKey(first);
        assertThat(members.errors()).containsOnlyKeys(first);
        assertThat(members.errors().get(first)).startsWith("UNAVAILABLE").contains("PERMISSION_DENIED")
                .contains("no read on g0000's resource group");
        assertThat(members.gone()).as("a group that could not be read is not a group that is gone").isEmpty();
        assertThat(cloud.memberReads.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
    }

    @Test
    void aProviderThatStaysThrottledLeavesItsInventoryStaleWithTheReasonAndStillAnswers() {
        CountingCloud cloud = new CountingCloud("gcp-like", 10, false);
        GroupDiscovery discovery = discovery(cloud);
        discovery.list(Query.all(10));
        for (int i = 0; i < 4; i++) {
            cloud.failNext("list", new ProviderException(Kind.THROTTLED, "HTTP 429 RESOURCE_EXHAUSTED", null, true, null));
        }
        clock.advance(REFRESH.plusSeconds(1));

        discovery.list(Query.all(10));
        await().atMost(Duration.ofSeconds(20)).until(() -> inventory.provider("gcp-like").orElseThrow().status().stale());
        GroupPage page = discovery.list(Query.all(10));

        assertThat(page.items()).hasSize(10);
        assertThat(page.errors()).singleElement().satisfies(error -> {
            assertThat(error.kind()).isEqualTo("STALE");
            assertThat(error.error()).startsWith("STALE: listed at 2026-12-07T12:00:00Z; last refresh failed: THROTTLED: HTTP 429")
                    .contains("gave up after 4 attempts");
        });
        assertThat(cloud.listings.get()).as("one listing, then one refresh of 4 attempts; readers do not add any").isEqualTo(5);
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /**
     * The background tick and the listings share the inventory's small pool: a tick must not wait for the listing it
     * started, or with as many providers as threads every listing waits behind a blocked tick until its timeout (60 s).
     */
    @Test
    void withMoreProvidersThanPoolThreadsTheBackgroundListsEveryProviderPromptly() {
        List<CountingCloud> clouds = List.of(new CountingCloud("p1", 5, false), new CountingCloud("p2", 5, false),
                new CountingCloud("p3", 5, false));
        dev.macaque.spi.ProviderFactory factory = new dev.macaque.spi.ProviderFactory() {
            @Override public String type() { return "counting"; }
            @Override public String spiVersion() { return dev.macaque.spi.SpiVersion.CURRENT; }
            @Override public String description() { return "counting test clouds"; }
            @Override public List<dev.macaque.spi.ConfigKey> configKeys() { return List.of(); }
            @Override public dev.macaque.spi.CloudProvider create(dev.macaque.spi.ProviderContext context) {
                return clouds.stream().filter(c -> c.id().equals(context.instanceId())).findFirst().orElseThrow();
            }
        };
        ProviderCatalog catalog = new ProviderCatalog(List.of(new InstalledProvider(factory, InstalledProvider.BUILT_IN,
                getClass().getClassLoader())), List.of());
        Map<String, Map<String, Object>> providers = new java.util.TreeMap<>();
        clouds.forEach(c -> providers.put(c.id(), Map.of("type", "counting")));
        instances = ProviderInstances.create(catalog, new MacaqueConfig(null, MacaqueConfig.Mode.UNLEASHED, null, null, null,
                providers), Clock.systemUTC(), metrics);
        inventory = new FleetInventory(instances, REFRESH, Clock.systemUTC(), true);

        // Far below the 60 s a stalled listing would wait: every provider is listed by the background on its own.
        await().atMost(Duration.ofSeconds(15)).until(() -> clouds.stream().allMatch(c -> c.listings.get() == 1));
        assertThat(inventory.statuses()).hasSize(3).allSatisfy(status -> assertThat(status.stale()).isFalse());
    }
}
