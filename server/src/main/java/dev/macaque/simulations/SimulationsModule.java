package dev.macaque.simulations;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.audit.AuditLog;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.RouteGroup;
import dev.macaque.node.NodeIdentity;
import dev.macaque.store.Database;
import java.time.Clock;

/** Training simulations run by the server on its own worker pool, and their routes. */
public final class SimulationsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SimulationRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(SimulationRoutes.class);
    }

    @Provides
    @Singleton
    SimulationService service(MacaqueConfig config, Database database, NodeIdentity node, AuditLog audit, Clock clock) {
        return new SimulationService(config.simulations(), new SimulationHistory(database, node.nodeId()), audit, clock);
    }
}
