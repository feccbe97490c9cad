package dev.macaque.groups;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.http.RouteGroup;
import dev.macaque.inventory.FleetInventory;
import dev.macaque.plugin.ProviderInstances;

/** Discovered VM groups across providers, read from the fleet inventory. */
public final class GroupsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(GroupRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(GroupRoutes.class);
    }

    @Provides
    @Singleton
    GroupDiscovery discovery(ProviderInstances providers, FleetInventory inventory) {
        return new GroupDiscovery(providers, inventory);
    }
}
