package dev.macaque.scorecard;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunHistory;
import dev.macaque.http.RouteGroup;
import dev.macaque.plugin.ProviderInstances;
import java.time.Clock;

/** The reliability scorecard: its API route, its dashboard page, and the clock it is computed against. */
public final class ScorecardModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), ScorecardClock.class);
        bind(ScorecardRoutes.class).in(Singleton.class);
        bind(ScorecardPage.class).in(Singleton.class);
        Multibinder<RouteGroup> routes = Multibinder.newSetBinder(binder(), RouteGroup.class);
        routes.addBinding().to(ScorecardRoutes.class);
        routes.addBinding().to(ScorecardPage.class);
    }

    @Provides
    @Singleton
    Scorecards scorecards(RunHistory history, ExperimentService experiments, ProviderInstances providers,
            dev.macaque.inventory.FleetInventory inventory,
            java.util.Optional<ScorecardClock> clock, Clock serverClock, MacaqueConfig config, com.fasterxml.jackson.databind.ObjectMapper json) {
        return new Scorecards(history, experiments, providers, inventory, clock.orElse(new ScorecardClock(serverClock)), config.scorecard(), json);
    }
}
