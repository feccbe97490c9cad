package dev.macaque.config;

import com.google.inject.AbstractModule;
import java.time.Clock;

/** Binds the loaded configuration, the installation folder and the wall clock. */
public final class ConfigModule extends AbstractModule {
    private final MacaqueConfig config;
    private final InstallLayout layout;

    public ConfigModule(MacaqueConfig config, InstallLayout layout) {
        this.config = config;
        this.layout = layout;
    }

    @Override
    protected void configure() {
        bind(MacaqueConfig.class).toInstance(config);
        bind(InstallLayout.class).toInstance(layout);
        bind(Clock.class).toInstance(Clock.systemUTC());
    }
}
