package dev.macaque.inventory;

import dev.macaque.plugin.ProviderInstances;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet as this node last read it: one {@link ProviderInventory} per created provider instance, each refreshed
 * in the background every {@code inventory.refresh}. What the API's group listing and group view, the dashboard's
 * pages, target previews, schedules' eligibility and runs' discovery read, instead of the cloud. Answers carry when
 * they were read; a provider that cannot be read leaves its inventory stale, with the reason.
 */
public final class FleetInventory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FleetInventory.class);

    private final Map<String, ProviderInventory> byId = new LinkedHashMap<>();
    private final List<CloudProvider> views = new ArrayList<>();
    private final Duration refresh;
    private final ScheduledExecutorService executor;

    /**
     * @param background whether to refresh in the background (a server); without, listings are read when a reader
     *                   finds them missing or older than {@code refresh} (tests, one-shot commands)
     */
    public FleetInventory(ProviderInstances providers, Duration refresh, Clock clock, boolean background) {
        Objects.requireNonNull(providers, "providers is null");
        this.refresh = Objects.requireNonNull(refresh, "refresh is null");
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(2, task -> {
            Thread thread = new Thread(task, "macaque-inventory-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        new TreeMap<>(providers.ready()).forEach((id, provider) -> {
            ProviderInventory inventory = new ProviderInventory(provider, refresh, clock, executor);
            byId.put(id, inventory);
            views.add(new InventoriedCloudProvider(provider, inventory));
        });
        if (background) {
            for (ProviderInventory inventory : byId.values()) {
                executor.scheduleWithFixedDelay(() -> refreshQuietly(inventory), 0, Math.max(1, refresh.toMillis() / 4),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    private static void refreshQuietly(ProviderInventory inventory) {
        try {
            inventory.refreshIfDue();
        } catch (RuntimeException e) {
            log.warn("Inventory of provider '{}': refresh failed", inventory.providerId(), e);
        }
    }

    public Duration refresh() {
        return refresh;
    }

    /** The inventory of a created provider instance; empty for an id not configured or not created. */
    public Optional<ProviderInventory> provider(String providerId) {
        return Optional.ofNullable(byId.get(providerId));
    }

    /** The inventory of the provider that {@code provider} stands for. */
    public Optional<ProviderInventory> provider(CloudProvider provider) {
        return provider(provider.id());
    }

    /**
     * The created providers, ordered by id, as runs, previews and schedules read them: listings from this inventory,
     * named groups and terminations from the cloud ({@link InventoriedCloudProvider}).
     */
    public List<CloudProvider> providers() {
        return List.copyOf(views);
    }

    public List<InventoryStatus> statuses() {
        List<InventoryStatus> statuses = new ArrayList<>();
        byId.values().forEach(inventory -> statuses.add(inventory.status()));
        return statuses;
    }

    /** Members of groups of any providers, read as {@link ProviderInventory#members} does, one provider after another. */
    public ProviderInventory.Members members(Collection<GroupRef> refs) {
        Map<String, List<GroupRef>> byProvider = new TreeMap<>();
        refs.forEach(ref -> byProvider.computeIfAbsent(ref.provider(), p -> new ArrayList<>()).add(ref));
        Map<GroupRef, GroupMembers> found = new LinkedHashMap<>();
        Map<GroupRef, String> errors = new LinkedHashMap<>();
        java.util.Set<GroupRef> gone = new java.util.HashSet<>();
        byProvider.forEach((providerId, wanted) -> {
            ProviderInventory inventory = byId.get(providerId);
            if (inventory == null) {
                wanted.forEach(ref -> errors.put(ref, "no created provider '" + providerId + "'"));
                return;
            }
            try {
                ProviderInventory.Members read = inventory.members(wanted);
                found.putAll(read.found());
                errors.putAll(read.errors());
                gone.addAll(read.gone());
            } catch (dev.macaque.spi.ProviderException e) {
                wanted.forEach(ref -> errors.put(ref, e.kind() + ": " + e.getMessage()));
            }
        });
        return new ProviderInventory.Members(found, errors, gone);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
