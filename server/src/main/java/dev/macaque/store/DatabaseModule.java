package dev.macaque.store;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.macaque.config.MacaqueConfig;

/** The database connection pool, migrated at start. */
public final class DatabaseModule extends AbstractModule {
    @Provides
    @Singleton
    Database database(MacaqueConfig config) {
        return Database.open(config.database());
    }
}
