package dev.macaque.metrics;

import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Inject;
import java.util.Objects;

/** {@code GET /metrics}: Prometheus text exposition. Like the health checks it needs no token, for scrapers. */
public final class MetricsRoutes implements RouteGroup {
    private final PrometheusMeterRegistry registry;

    @Inject
    public MetricsRoutes(PrometheusMeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape()));
    }
}
