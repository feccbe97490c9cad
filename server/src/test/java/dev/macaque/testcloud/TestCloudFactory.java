package dev.macaque.testcloud;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import dev.macaque.spi.testing.InMemoryCloud;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A built-in provider type {@code testcloud}, only on the test class path: the reference {@link InMemoryCloud} whose
 * groups heal {@code healAfterMillis} after a kill, and whose terminations tests can watch or hold.
 *
 * <p>Config: {@code groups} as {@code region:name:size:optIn}, comma-separated; {@code healAfterMillis}.
 */
public final class TestCloudFactory implements ProviderFactory {
    /** Every real (non-dry-run) termination any testcloud provider performed, as {@code provider/region/group/instance}. */
    public static final List<String> TERMINATED = new CopyOnWriteArrayList<>();
    /** Provider ids whose terminate calls wait for a permit, so that a test can stop a server mid-call. */
    public static final Map<String, Semaphore> GATES = new ConcurrentHashMap<>();
    /** Clouds shared by several servers in one JVM ({@code shareAs}), by name: one fleet, many nodes. */
    public static final Map<String, CloudProvider> SHARED = new ConcurrentHashMap<>();
    /**
     * Provider ids ({@code holdPredictionListing: true}) whose listings and member reads made for a run's prediction wait
     * until the test opens the hold, so that a test can keep a prediction running.
     */
    public static final Map<String, ListingHold> PREDICTION_HOLDS = new ConcurrentHashMap<>();
    /** The fewest healthy in-service members each group ever had right after a real termination, as {@code provider/region/name}. */
    public static final Map<String, Integer> LOWEST_HEALTHY = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "testcloud";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "in-memory test cloud";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(ConfigKey.required("groups", "region:name:size:optIn,..."),
                ConfigKey.optional("healAfterMillis", "delay before a group replaces a killed member", "100"),
                ConfigKey.optional("holdTerminations", "true: real terminations block forever (a provider call in flight)", "false"),
                ConfigKey.optional("shareAs", "a name: every testcloud provider with it is one cloud, shared by servers in this JVM", ""),
                ConfigKey.optional("holdPredictionListing", "true: a prediction's listGroups waits for PREDICTION_HOLDS to open", "false"),
                ConfigKey.optional("failListing", "true: every listGroups fails as a cloud without credentials does", "false"));
    }

    @Override
    public CloudProvider create(ProviderContext context) {
        String shareAs = context.config().getOrDefault("shareAs", "");
        if (!shareAs.isEmpty()) {
            return SHARED.computeIfAbsent(shareAs, name -> new SharedCloud(build(context)));
        }
        return build(context);
    }

    private static CloudProvider build(ProviderContext context) {
        InMemoryCloud cloud = new InMemoryCloud(context.instanceId());
        for (String spec : context.config().get("groups").split(",")) {
            String[] p = spec.trim().split(":");
            cloud.group(p[0], p[1], Integer.parseInt(p[2]),
                    Boolean.parseBoolean(p[3]) ? Map.of("macaque-enabled", "true", "team", "payments") : Map.of("team", "core"));
        }
        long healAfter = Long.parseLong(context.config().getOrDefault("healAfterMillis", "100"));
        if (Boolean.parseBoolean(context.config().getOrDefault("holdTerminations", "false"))) {
            GATES.put(context.instanceId(), new Semaphore(0));
        }
        if (Boolean.parseBoolean(context.config().getOrDefault("holdPredictionListing", "false"))) {
            PREDICTION_HOLDS.put(context.instanceId(), new ListingHold());
        }
        return new HealingCloud(cloud, healAfter, Boolean.parseBoolean(context.config().getOrDefault("failListing", "false")));
    }

    /** Holds the listings a prediction makes (and only those: a preview's own listing passes) until {@link #open}. */
    public static final class ListingHold {
        private static final String PREDICTION_SNAPSHOT = "dev.macaque.simulate.FleetSnapshot";
        private final Semaphore entered = new Semaphore(0);
        private final java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);

        /** Waits, at most {@code timeout}, until a prediction is held in its listing; false if none came. */
        public boolean awaitHeld(java.time.Duration timeout) throws InterruptedException {
            return entered.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Lets every held and every later listing through. */
        public void open() {
            opened.countDown();
        }

        void holdIfPredicting() {
            boolean predicting = StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getClassName().equals(PREDICTION_SNAPSHOT)));
            if (predicting && opened.getCount() > 0) {
                entered.release();
                try {
                    // Bounded: a test that never opens the hold fails on its own timeout, not by hanging the build.
                    opened.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static final class HealingCloud implements CloudProvider {
        private final InMemoryCloud cloud;
        private final long healAfter;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "testcloud-heal");
            t.setDaemon(true);
            return t;
        });

        private final boolean failListing;

        HealingCloud(InMemoryCloud cloud, long healAfter, boolean failListing) {
            this.cloud = cloud;
            this.healAfter = healAfter;
            this.failListing = failListing;
        }

        @Override
        public String id() {
            return cloud.id();
        }

        @Override
        public String type() {
            return "testcloud";
        }

        @Override
        public List<GroupSummary> listGroups(GroupFilter filter) {
            if (failListing) {
                throw new dev.macaque.spi.ProviderException(dev.macaque.spi.ProviderException.Kind.PERMISSION_DENIED,
                        "no credentials: the default credentials chain found none");
            }
            ListingHold hold = PREDICTION_HOLDS.get(cloud.id());
            if (hold != null) {
                hold.holdIfPredicting();
            }
            return cloud.listGroups(filter);
        }

        @Override
        public VmGroup describeGroup(GroupRef group) {
            // a prediction reads the fleet inventory: the members it has not read yet are read here
            ListingHold hold = PREDICTION_HOLDS.get(cloud.id());
            if (hold != null) {
                hold.holdIfPredicting();
            }
            return cloud.describeGroup(group);
        }

        @Override
        public GroupHealth health(GroupRef group) {
            return cloud.health(group);
        }

        @Override
        public TerminationResult terminate(TerminationRequest request) {
            Semaphore gate = GATES.get(cloud.id());
            if (gate != null && !request.dryRun()) {
                gate.acquireUninterruptibly();
            }
            TerminationResult result;
            synchronized (cloud) {
                result = cloud.terminate(request);
                if (result.outcome() == TerminationResult.Outcome.TERMINATED) {
                    LOWEST_HEALTHY.merge(request.group().toString(), cloud.describeGroup(request.group()).healthyInService().size(),
                            Math::min);
                }
            }
            if (result.outcome() == TerminationResult.Outcome.TERMINATED) {
                TERMINATED.add(request.group() + "/" + request.instanceId());
                timer.schedule(cloud::heal, healAfter, TimeUnit.MILLISECONDS);
            }
            return result;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** One cloud behind several servers: each server closes its providers, the shared cloud outlives them. */
    private static final class SharedCloud implements CloudProvider {
        private final CloudProvider cloud;

        SharedCloud(CloudProvider cloud) {
            this.cloud = cloud;
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
            return cloud.listGroups(filter);
        }

        @Override
        public VmGroup describeGroup(GroupRef group) {
            return cloud.describeGroup(group);
        }

        @Override
        public GroupHealth health(GroupRef group) {
            return cloud.health(group);
        }

        @Override
        public TerminationResult terminate(TerminationRequest request) {
            return cloud.terminate(request);
        }

        @Override
        public void close() {
            // shared: closed by nobody
        }
    }
}
