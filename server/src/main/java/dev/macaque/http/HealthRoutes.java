package dev.macaque.http;

import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.store.DatabaseHealth;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (the database can commit a write — a probe
 * cached for a second — and every configured provider instance was created; 503 with the failing checks otherwise).
 */
public final class HealthRoutes implements RouteGroup {
    private final ProviderInstances instances;
    private final DatabaseHealth database;

    @Inject
    public HealthRoutes(ProviderInstances instances, DatabaseHealth database) {
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
        for (ConfiguredProvider provider : instances.all()) {
            checks.put("provider:" + provider.id(), provider.isReady() ? "UP" : "DOWN: " + provider.error());
            ready &= provider.isReady();
        }
        ctx.status(ready ? 200 : 503).json(new Readiness(ready ? "UP" : "DOWN", checks));
    }
}
