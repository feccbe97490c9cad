package dev.macaque.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.DatabaseHealth;
import io.javalin.Javalin;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;

/** The HTTP server and the routes of this module's features (health, providers). */
public final class HttpModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(ProviderRoutes.class).in(Singleton.class);
        bind(HealthRoutes.class).in(Singleton.class);
        bind(OpenApiRoutes.class).in(Singleton.class);
        Multibinder<RouteGroup> routes = Multibinder.newSetBinder(binder(), RouteGroup.class);
        routes.addBinding().to(HealthRoutes.class);
        routes.addBinding().to(ProviderRoutes.class);
        routes.addBinding().to(OpenApiRoutes.class);
        com.google.inject.multibindings.OptionalBinder.newOptionalBinder(binder(), ErrorPages.class);
    }

    @Provides
    @Singleton
    ObjectMapper json() {
        return JsonMapperFactory.create();
    }

    @Provides
    @Singleton
    Javalin javalin(MacaqueConfig config, ObjectMapper json, Set<RouteGroup> routes, MeterRegistry metrics, DatabaseHealth database,
            java.util.Optional<ErrorPages> errorPages) {
        return ApiServer.create(config.server(), json, routes, metrics, database, errorPages);
    }
}
