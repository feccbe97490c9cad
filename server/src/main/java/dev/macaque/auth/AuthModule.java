package dev.macaque.auth;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.audit.AuditLog;
import dev.macaque.audit.RefusalAudit;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.RouteGroup;
import dev.macaque.store.Database;
import java.time.Clock;

/** API tokens, bearer authentication of every {@code /api/v1} call, and token management routes. */
public final class AuthModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(TokenRoutes.class).in(Singleton.class);
        Multibinder<RouteGroup> routes = Multibinder.newSetBinder(binder(), RouteGroup.class);
        routes.addBinding().to(TokenRoutes.class);
        routes.addBinding().to(AuthenticationFilter.class);
        bind(AuthenticationFilter.class).in(Singleton.class);
    }

    @Provides
    @Singleton
    TokenStore tokens(Database database, Clock clock) {
        return new TokenStore(database, clock);
    }

    @Provides
    @Singleton
    RateLimits rateLimits(MacaqueConfig config) {
        return new RateLimits(config.limits());
    }

    @Provides
    @Singleton
    Access access(TokenStore tokens, AuditLog audit, RefusalAudit refusals, RateLimits limits) {
        return new Access(tokens, audit, refusals, limits);
    }
}
