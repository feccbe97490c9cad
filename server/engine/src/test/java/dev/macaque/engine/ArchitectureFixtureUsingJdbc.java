package dev.macaque.engine;

import java.sql.Connection;
import java.sql.SQLException;

/** A deliberately bad engine class (test sources only): engine code must never reach for JDBC. */
public final class ArchitectureFixtureUsingJdbc {
    public boolean closed(Connection connection) throws SQLException {
        return connection.isClosed();
    }
}
