package dev.macaque.store;

import com.google.inject.AbstractModule;
import java.util.Objects;

/**
 * The server's database, opened (and migrated) once before the injector is built: a database that cannot be opened
 * stops the start with one error instead of one per singleton that needs it.
 */
public final class DatabaseModule extends AbstractModule {
    private final Database database;

    public DatabaseModule(Database database) {
        this.database = Objects.requireNonNull(database, "database is null");
    }

    @Override
    protected void configure() {
        bind(Database.class).toInstance(database);
        bind(DatabaseHealth.class).toInstance(new DatabaseHealth(database));
    }
}
