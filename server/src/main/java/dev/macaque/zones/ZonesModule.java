package dev.macaque.zones;

import com.google.inject.AbstractModule;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.http.RouteGroup;

/** Zone readiness: what each zone's outage would do to the fleet, before one is tried. */
public final class ZonesModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ZoneRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(ZoneRoutes.class);
    }
}
