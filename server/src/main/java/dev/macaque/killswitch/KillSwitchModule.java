package dev.macaque.killswitch;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.http.RouteGroup;
import dev.macaque.store.Database;
import java.time.Clock;

/** The database-backed global kill switch and its routes. */
public final class KillSwitchModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(KillSwitchRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(KillSwitchRoutes.class);
    }

    @Provides
    @Singleton
    KillSwitchStore killSwitch(Database database, Clock clock) {
        return new KillSwitchStore(database, clock);
    }
}
