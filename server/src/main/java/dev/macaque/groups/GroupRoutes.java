package dev.macaque.groups;

import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.http.Cursors;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/groups?provider=&region=&optedIn=&tag=k:v&limit=&cursor=}: the groups {@link GroupDiscovery}
 * finds, a page at a time.
 */
public final class GroupRoutes implements RouteGroup {
    private final GroupDiscovery discovery;
    private final Access access;

    @Inject
    public GroupRoutes(GroupDiscovery discovery, Access access) {
        this.discovery = Objects.requireNonNull(discovery, "discovery is null");
        this.access = Objects.requireNonNull(access, "access is null");
    }

    /** @param observedAt when the oldest group of the page was read from the cloud (each item says its own) */
    public record GroupPage(java.util.List<GroupDiscovery.GroupView> items, String nextCursor, java.util.List<GroupDiscovery.ProviderError> errors,
            java.time.Instant observedAt) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/groups", access.require(Role.VIEWER, this::list));
    }

    private void list(Context ctx) {
        int limit = Cursors.limit(ctx.queryParam("limit"), 100, 1000);
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
        GroupDiscovery.GroupPage page;
        try {
            page = discovery.list(new GroupDiscovery.Query(ctx.queryParam("provider"), ctx.queryParam("region"), optedIn, tags, null,
                    after, limit));
        } catch (IllegalArgumentException e) {
            throw invalid("provider", e.getMessage());
        }
        ctx.json(new GroupPage(page.items(), page.nextAfter() == null ? null : Cursors.encode("group:" + page.nextAfter()), page.errors(),
                page.observedAt()));
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
