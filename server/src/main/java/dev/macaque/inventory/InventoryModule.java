package dev.macaque.inventory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.text.Durations;
import java.time.Clock;

/** The fleet inventory of this node, refreshed in the background every {@code inventory.refresh}. */
public final class InventoryModule extends AbstractModule {
    @Provides
    @Singleton
    FleetInventory inventory(ProviderInstances providers, MacaqueConfig config, Clock clock) {
        return new FleetInventory(providers, Durations.parse(config.inventory().refresh()), clock, true);
    }
}
