package dev.macaque.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.macaque.cloudcalls.CloudCallMetrics;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/** Loads built-in and plugin providers and creates the configured provider instances. */
public final class PluginModule extends AbstractModule {

    @Provides
    @Singleton
    ProviderCatalog catalog(MacaqueConfig config, InstallLayout layout) {
        return new PluginLoader(PluginModule.class.getClassLoader()).load(layout.resolve(config.plugins().directory()));
    }

    @Provides
    @Singleton
    ProviderInstances instances(ProviderCatalog catalog, MacaqueConfig config, Clock clock, MeterRegistry registry) {
        return ProviderInstances.create(catalog, config, clock, new CloudCallMetrics(registry));
    }

    @Provides
    @Singleton
    ProviderReachability reachability(ProviderInstances instances, Clock clock) {
        return new ProviderReachability(instances, clock);
    }
}
