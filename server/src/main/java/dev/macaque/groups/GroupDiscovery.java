package dev.macaque.groups;

import dev.macaque.inventory.FleetInventory;
import dev.macaque.inventory.GroupMembers;
import dev.macaque.inventory.InventoryStatus;
import dev.macaque.inventory.ProviderInventory;
import dev.macaque.inventory.ProviderListing;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The VM groups every configured provider reports, with opt-in, weight and health: what {@code GET /api/v1/groups}
 * and the dashboard's fleet pages show, read from the {@link FleetInventory} (never the cloud per request). Health is
 * read only for the groups of the page asked for, at most once per refresh interval. Every group says when it was
 * observed; a provider that fails, or whose inventory is stale, is listed under {@code errors}; the others still answer.
 */
public final class GroupDiscovery {
    private final ProviderInstances providers;
    private final FleetInventory inventory;

    public GroupDiscovery(ProviderInstances providers, FleetInventory inventory) {
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.inventory = Objects.requireNonNull(inventory, "inventory is null");
    }

    /**
     * What to list. Null fields do not filter.
     *
     * @param nameContains case-insensitive part of the group's name
     * @param after        the id ({@code provider/region/name}) after which the page starts
     */
    public record Query(String provider, String region, Boolean optedIn, Map<String, String> tags, String nameContains, String after,
            int limit) {
        public Query {
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }

        public static Query all(int limit) {
            return new Query(null, null, null, Map.of(), null, null, limit);
        }
    }

    /**
     * @param weight     the selection weight, or null when {@code macaque-weight} is not a positive integer
     * @param observedAt when what is shown was read from the cloud: the older of the listing and the member read
     */
    public record GroupView(String id, String provider, String region, String name, boolean optedIn, Integer weight,
            int desiredCapacity, Integer healthyInService, Integer pending, Map<String, String> tags, String healthError,
            Instant observedAt) {
        /** Fewer healthy instances in service than desired: part of an incident, or still recovering. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean degraded() {
            return healthyInService != null && healthyInService < desiredCapacity;
        }
    }

    public record ProviderError(String provider, String kind, String error) {
    }

    /** @param observedAt the oldest {@link GroupView#observedAt()} of the items, or null when there are none */
    public record GroupPage(List<GroupView> items, String nextAfter, List<ProviderError> errors, Instant observedAt) {
    }

    /** Throws {@link IllegalArgumentException} when {@code query.provider()} names no configured provider. */
    public GroupPage list(Query query) {
        if (query.provider() != null && providers.byId(query.provider()).isEmpty()) {
            throw new IllegalArgumentException("no configured provider '" + query.provider() + "'");
        }
        GroupFilter filter = new GroupFilter(query.region() == null ? Set.of() : Set.of(query.region()), query.tags());
        List<ProviderError> errors = new ArrayList<>();
        List<Listed> all = new ArrayList<>();
        for (ConfiguredProvider configured : providers.all()) {
            if (query.provider() != null && !configured.id().equals(query.provider())) {
                continue;
            }
            Optional<ProviderInventory> kept = inventory.provider(configured.id());
            if (!configured.isReady() || kept.isEmpty()) {
                errors.add(new ProviderError(configured.id(), "UNAVAILABLE", configured.error()));
                continue;
            }
            try {
                ProviderListing listing = kept.get().listing();
                for (GroupSummary group : listing.groups()) {
                    if (filter.matches(group.ref().region(), group.tags())) {
                        all.add(new Listed(group, listing.observedAt()));
                    }
                }
                staleness(kept.get()).ifPresent(errors::add);
            } catch (ProviderException e) {
                errors.add(new ProviderError(configured.id(), e.kind().name(), e.getMessage()));
            }
        }
        String part = query.nameContains() == null || query.nameContains().isBlank() ? null
                : query.nameContains().trim().toLowerCase(Locale.ROOT);
        List<Listed> matching = all.stream()
                .filter(g -> query.optedIn() == null || g.summary().optedIn() == query.optedIn())
                .filter(g -> part == null || g.summary().ref().name().toLowerCase(Locale.ROOT).contains(part))
                .filter(g -> query.after() == null || g.summary().ref().toString().compareTo(query.after()) > 0)
                .sorted(Comparator.comparing(g -> g.summary().ref().toString()))
                .toList();
        List<Listed> page = matching.subList(0, Math.min(query.limit(), matching.size()));
        String next = matching.size() > query.limit() ? page.get(page.size() - 1).summary().ref().toString() : null;
        List<GroupView> views = views(page);
        Instant oldest = views.stream().map(GroupView::observedAt).min(Comparator.naturalOrder()).orElse(null);
        return new GroupPage(views, next, errors, oldest);
    }

    /** One group by provider, region and name, with its health; empty when its provider does not list it. */
    public Optional<GroupView> find(String provider, String region, String name) {
        Optional<ProviderInventory> kept = inventory.provider(provider);
        if (kept.isEmpty()) {
            return Optional.empty();
        }
        ProviderListing listing = kept.get().listing();
        return listing.groups().stream()
                .filter(g -> g.ref().provider().equals(provider) && g.ref().region().equals(region) && g.ref().name().equals(name))
                .findFirst().map(g -> views(List.of(new Listed(g, listing.observedAt()))).get(0));
    }

    /**
     * One group's members as the inventory last read them (at most one cloud read per refresh interval), or why they
     * could not be read.
     */
    public GroupMembersRead members(GroupRef ref) {
        ProviderInventory.Members read = inventory.members(List.of(ref));
        GroupMembers found = read.found().get(ref);
        return found != null ? new GroupMembersRead(found.group().instances(), found.observedAt(), null)
                : new GroupMembersRead(List.of(), null, read.errors().getOrDefault(ref, "members not read"));
    }

    /** @param error why the members could not be read, or null */
    public record GroupMembersRead(List<dev.macaque.spi.Instance> instances, Instant observedAt, String error) {
    }

    /** Why the provider's inventory is older than its refresh interval, when it is. */
    public Optional<ProviderError> staleness(String providerId) {
        return inventory.provider(providerId).flatMap(GroupDiscovery::staleness);
    }

    private static Optional<ProviderError> staleness(ProviderInventory kept) {
        InventoryStatus status = kept.status();
        return status.stale() ? Optional.of(new ProviderError(status.provider(), "STALE", status.text())) : Optional.empty();
    }

    private record Listed(GroupSummary summary, Instant listedAt) {
    }

    private List<GroupView> views(List<Listed> page) {
        ProviderInventory.Members members = inventory.members(page.stream().map(g -> g.summary().ref()).toList());
        List<GroupView> views = new ArrayList<>(page.size());
        for (Listed listed : page) {
            GroupSummary group = listed.summary();
            GroupRef ref = group.ref();
            GroupMembers read = members.found().get(ref);
            String healthError = read == null ? members.errors().getOrDefault(ref, "members not read") : null;
            Instant observedAt = read == null || read.observedAt().isAfter(listed.listedAt()) ? listed.listedAt() : read.observedAt();
            var weight = OptIn.weight(group.tags());
            views.add(new GroupView(ref.toString(), ref.provider(), ref.region(), ref.name(), group.optedIn(),
                    weight.isPresent() ? weight.getAsInt() : null, group.desiredCapacity(),
                    read == null ? null : read.healthyInService(), read == null ? null : read.pending(), group.tags(),
                    healthError, observedAt));
        }
        return views;
    }
}
