package dev.macaque.safety;

import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /api/v1/safety/stop-conditions} (viewer): each configured stop condition with whether it passes, what
 * its latest evaluation observed and since when; {@code holding} is true while a failing one holds all chaos.
 */
public final class StopConditionRoutes implements RouteGroup {
    private final StopConditionMonitor monitor;
    private final Access access;

    @Inject
    public StopConditionRoutes(StopConditionMonitor monitor, Access access) {
        this.monitor = Objects.requireNonNull(monitor, "monitor is null");
        this.access = Objects.requireNonNull(access, "access is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/safety/stop-conditions", access.require(Role.VIEWER, ctx -> {
            List<StopConditionMonitor.Status> statuses = monitor.statuses();
            ctx.json(Map.of("holding", statuses.stream().anyMatch(s -> !s.passing()), "stopConditions", statuses));
        }));
    }
}
