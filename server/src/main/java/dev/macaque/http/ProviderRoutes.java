package dev.macaque.http;

import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.InstalledProvider;
import dev.macaque.plugin.ProviderCatalog;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.plugin.ProviderReachability;
import dev.macaque.spi.ConfigKey;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;

/** {@code GET /api/v1/providers}: what is installed, what is configured, and what failed to load. */
public final class ProviderRoutes implements RouteGroup {
    private final ProviderCatalog catalog;
    private final ProviderInstances instances;
    private final ProviderReachability reachability;

    @Inject
    public ProviderRoutes(ProviderCatalog catalog, ProviderInstances instances, ProviderReachability reachability) {
        this.reachability = Objects.requireNonNull(reachability, "reachability is null");
        this.catalog = Objects.requireNonNull(catalog, "catalog is null");
        this.instances = Objects.requireNonNull(instances, "instances is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/providers", this::list);
    }

    /**
     * @param spiVersion    the SPI version the provider was built against
     * @param pluginVersion the provider's own version (its jar's Implementation-Version), or null when it has none
     * @param status        {@code configured} when at least one instance uses it, else {@code not configured}
     */
    public record InstalledView(String type, String spiVersion, String pluginVersion, String description, String origin,
            String status, List<String> instances, List<ConfigKey> configKeys) {
    }

    /**
     * @param status       {@code ready} or {@code failed} (created or not)
     * @param availability for a created instance, whether it can list its groups now: {@code UP} or {@code DOWN}
     * @param availabilityError why it is {@code DOWN}
     */
    public record InstanceView(String id, String type, String status, boolean leashed, String error, String availability,
            String availabilityError) {
    }

    /** @param serverSpiVersion the SPI version of this server: plugins of the same major and a minor up to it load */
    public record ProvidersView(String serverSpiVersion, List<InstalledView> installed, List<InstanceView> instances,
            List<LoadErrorView> loadErrors) {
    }

    public record LoadErrorView(String plugin, String error) {
    }

    public ProvidersView view() {
        List<InstalledView> installed = catalog.installed().stream().map(this::installedView).toList();
        List<InstanceView> configured = instances.all().stream()
                .map(this::instanceView).toList();
        List<LoadErrorView> errors = catalog.errors().stream().map(e -> new LoadErrorView(e.plugin(), e.error())).toList();
        return new ProvidersView(dev.macaque.spi.SpiVersion.CURRENT, installed, configured, errors);
    }

    private InstanceView instanceView(ConfiguredProvider p) {
        ProviderReachability.Status status = reachability.status(p.id());
        return new InstanceView(p.id(), p.type(), p.isReady() ? "ready" : "failed", p.leashed(), p.error(),
                status.up() ? "UP" : "DOWN", status.error());
    }

    private InstalledView installedView(InstalledProvider provider) {
        List<String> ids = instances.all().stream().filter(p -> p.type().equals(provider.type()))
                .map(ConfiguredProvider::id).toList();
        return new InstalledView(provider.type(), provider.factory().spiVersion(),
                provider.pluginVersion().orElse(null), provider.factory().description(),
                provider.origin(), ids.isEmpty() ? "not configured" : "configured", ids, provider.factory().configKeys());
    }

    private void list(Context ctx) {
        ctx.json(view());
    }
}
