package dev.macaque.groups;

import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.http.Cursors;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RouteGroup;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.OptIn;
import dev.macaque.spi.ProviderException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/groups?provider=&region=&optedIn=&tag=k:v&limit=&cursor=}: the VM groups every configured
 * provider reports, with opt-in, weight and health. Health is read only for the groups on the page. A provider that
 * fails is listed under {@code errors}; the others still answer.
 */
public final class GroupRoutes implements RouteGroup {
        private final ProviderInstances providers;
    private final Access access;

    @Inject
    public GroupRoutes(ProviderInstances providers, Access access) {
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.access = Objects.requireNonNull(access, "access is null");
    }

    /** @param weight the selection weight, or null when {@code macaque-weight} is not a positive integer */
    public record GroupView(String id, String provider, String region, String name, boolean optedIn, Integer weight,
            int desiredCapacity, Integer healthyInService, Integer pending, Map<String, String> tags, String healthError) {
    }

    public record ProviderError(String provider, String kind, String error) {
    }

    public record GroupPage(List<GroupView> items, String nextCursor, List<ProviderError> errors) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/groups", access.require(Role.VIEWER, this::list));
    }

    private void list(Context ctx) {
        int limit = Cursors.limit(ctx.queryParam("limit"), 100, 1000);
        String providerId = ctx.queryParam("provider");
        String region = ctx.queryParam("region");
        Boolean optedIn = parseOptedIn(ctx.queryParam("optedIn"));
        Map<String, String> tags = new TreeMap<>();
        for (String tag : ctx.queryParams("tag")) {
            int colon = tag.indexOf(':');
            if (colon <= 0) {
                throw invalid("tag", "tag filters are key:value, was '" + tag + "'");
            }
            tags.put(tag.substring(0, colon), tag.substring(colon + 1));
        }
        String after = ctx.queryParam("cursor") == null ? null : Cursors.decode(ctx.queryParam("cursor"), "group:");
        if (providerId != null && providers.byId(providerId).isEmpty()) {
            throw invalid("provider", "no configured provider '" + providerId + "'");
        }
        GroupFilter filter = new GroupFilter(region == null ? Set.of() : Set.of(region), tags);
        List<ProviderError> errors = new ArrayList<>();
        List<GroupSummary> all = new ArrayList<>();
        for (ConfiguredProvider configured : providers.all()) {
            if (providerId != null && !configured.id().equals(providerId)) {
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
        List<GroupSummary> matching = all.stream()
                .filter(g -> optedIn == null || g.optedIn() == optedIn)
                .filter(g -> after == null || g.ref().toString().compareTo(after) > 0)
                .sorted(Comparator.comparing(g -> g.ref().toString()))
                .toList();
        List<GroupSummary> page = matching.subList(0, Math.min(limit, matching.size()));
        String next = matching.size() > limit ? Cursors.encode("group:" + page.get(page.size() - 1).ref()) : null;
        ctx.json(new GroupPage(page.stream().map(this::view).toList(), next, errors));
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

    private static Boolean parseOptedIn(String text) {
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid("optedIn", "optedIn must be true or false, was '" + text + "'");
        };
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(message, field, message);
    }
}
