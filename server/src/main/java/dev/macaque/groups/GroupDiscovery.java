package dev.macaque.groups;

import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderException;
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
 * and the dashboard's fleet pages show. Health is read only for the groups of the page asked for. A provider that
 * fails is listed under {@code errors}; the others still answer.
 */
public final class GroupDiscovery {
    private final ProviderInstances providers;

    public GroupDiscovery(ProviderInstances providers) {
        this.providers = Objects.requireNonNull(providers, "providers is null");
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

    /** @param weight the selection weight, or null when {@code macaque-weight} is not a positive integer */
    public record GroupView(String id, String provider, String region, String name, boolean optedIn, Integer weight,
            int desiredCapacity, Integer healthyInService, Integer pending, Map<String, String> tags, String healthError) {
        /** Fewer healthy instances in service than desired: part of an incident, or still recovering. */
        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean degraded() {
            return healthyInService != null && healthyInService < desiredCapacity;
        }
    }

    public record ProviderError(String provider, String kind, String error) {
    }

    public record GroupPage(List<GroupView> items, String nextAfter, List<ProviderError> errors) {
    }

    /** Throws {@link IllegalArgumentException} when {@code query.provider()} names no configured provider. */
    public GroupPage list(Query query) {
        if (query.provider() != null && providers.byId(query.provider()).isEmpty()) {
            throw new IllegalArgumentException("no configured provider '" + query.provider() + "'");
        }
        GroupFilter filter = new GroupFilter(query.region() == null ? Set.of() : Set.of(query.region()), query.tags());
        List<ProviderError> errors = new ArrayList<>();
        List<GroupSummary> all = new ArrayList<>();
        for (ConfiguredProvider configured : providers.all()) {
            if (query.provider() != null && !configured.id().equals(query.provider())) {
                continue;
            }
            if (!configured.isReady()) {
                errors.add(new ProviderError(configured.id(), "UNAVAILABLE", configured.error()));
                continue;
            }
            try {
                all.addAll(configured.provider().listGroups(filter));
            } catch (ProviderException e) {
                errors.add(new ProviderError(configured.id(), e.kind().name(), e.getMessage()));
            }
        }
        String part = query.nameContains() == null || query.nameContains().isBlank() ? null
                : query.nameContains().trim().toLowerCase(Locale.ROOT);
        List<GroupSummary> matching = all.stream()
                .filter(g -> query.optedIn() == null || g.optedIn() == query.optedIn())
                .filter(g -> part == null || g.ref().name().toLowerCase(Locale.ROOT).contains(part))
                .filter(g -> query.after() == null || g.ref().toString().compareTo(query.after()) > 0)
                .sorted(Comparator.comparing(g -> g.ref().toString()))
                .toList();
        List<GroupSummary> page = matching.subList(0, Math.min(query.limit(), matching.size()));
        String next = matching.size() > query.limit() ? page.get(page.size() - 1).ref().toString() : null;
        return new GroupPage(page.stream().map(this::view).toList(), next, errors);
    }

    /** One group by provider, region and name, with its health; empty when its provider does not list it. */
    public Optional<GroupView> find(String provider, String region, String name) {
        Optional<ConfiguredProvider> configured = providers.byId(provider);
        if (configured.isEmpty() || !configured.get().isReady()) {
            return Optional.empty();
        }
        return configured.get().provider().listGroups(new GroupFilter(Set.of(region), Map.of())).stream()
                .filter(g -> g.ref().provider().equals(provider) && g.ref().region().equals(region) && g.ref().name().equals(name))
                .findFirst().map(this::view);
    }

    private GroupView view(GroupSummary group) {
        CloudProvider provider = providers.byId(group.ref().provider()).orElseThrow().provider();
        Integer healthy = null;
        Integer pending = null;
        String healthError = null;
        try {
            GroupHealth health = provider.health(group.ref());
            healthy = health.healthyInService();
            pending = health.pending();
        } catch (ProviderException e) {
            healthError = e.kind() + ": " + e.getMessage();
        }
        var weight = OptIn.weight(group.tags());
        return new GroupView(group.ref().toString(), group.ref().provider(), group.ref().region(), group.ref().name(), group.optedIn(),
                weight.isPresent() ? weight.getAsInt() : null, group.desiredCapacity(), healthy, pending, group.tags(), healthError);
    }
}
