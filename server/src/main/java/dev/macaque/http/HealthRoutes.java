package dev.macaque.http;

import dev.macaque.inventory.FleetInventory;
import dev.macaque.inventory.InventoryStatus;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.plugin.ProviderReachability;
import dev.macaque.store.DatabaseHealth;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready}: 503 {@code DOWN} when the database cannot commit a write (a probe
 * cached for a second) or a configured provider instance could not be created (a configuration to fix); 200 {@code DEGRADED} when
 * a created provider cannot list its groups now (runs that do not need it go on), or its inventory is stale (the last
 * refresh failed: {@code inventory:<id>} says {@code STALE: <when it was listed>; last refresh failed: <reason>});
 * 200 {@code UP} otherwise. Every check says {@code UP}, {@code STALE: <reason>} or {@code DOWN: <reason>}.
 */
public final class HealthRoutes implements RouteGroup {
    private final ProviderInstances instances;
    private final DatabaseHealth database;
    private final ProviderReachability reachability;
    private final FleetInventory inventory;

    @Inject
    public HealthRoutes(ProviderInstances instances, DatabaseHealth database, ProviderReachability reachability,
                        FleetInventory inventory) {
        this.inventory = Objects.requireNonNull(inventory, "inventory is null");
        this.reachability = Objects.requireNonNull(reachability, "reachability is null");
        this.instances = Objects.requireNonNull(instances, "instances is null");
        this.database = Objects.requireNonNull(database, "database is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
        routes.get("/health/ready", this::ready);
    }

    public record Readiness(String status, Map<String, String> checks) {
    }

    private void ready(Context ctx) {
        Map<String, String> checks = new LinkedHashMap<>();
        DatabaseHealth.Status writable = database.status();
        boolean ready = writable.writable();
        checks.put("database", ready ? "UP" : "DOWN: cannot write: " + writable.reason());
        boolean degraded = false;
        for (ConfiguredProvider provider : instances.all()) {
            if (!provider.isReady()) {
                checks.put("provider:" + provider.id(), "DOWN: " + provider.error());
                ready = false;
                continue;
            }
            ProviderReachability.Status status = reachability.status(provider.id());
            checks.put("provider:" + provider.id(), status.text());
            degraded |= !status.up();
        }
        for (InventoryStatus status : inventory.statuses()) {
            checks.put("inventory:" + status.provider(), status.text());
            degraded |= status.stale();
        }
        ctx.status(ready ? 200 : 503).json(new Readiness(!ready ? "DOWN" : degraded ? "DEGRADED" : "UP", checks));
    }
}
