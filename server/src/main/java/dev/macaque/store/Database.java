package dev.macaque.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.macaque.config.JdbcUrls;
import dev.macaque.config.MacaqueConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's database: a connection pool over H2 (embedded default) or PostgreSQL, migrated with Flyway on open,
 * and a small transaction helper. Stores use plain JDBC through {@link #inTransaction(Work)}.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final boolean postgres;

    private Database(HikariDataSource dataSource, boolean postgres) {
        this.dataSource = dataSource;
        this.postgres = postgres;
    }

    /** Work done inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Opens the pool and brings the schema up to date; fails with a clear {@link StoreException} otherwise. */
    public static Database open(MacaqueConfig.DatabaseConfig config) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("macaque-db");
        hikari.setJdbcUrl(durableUrl(config.url()));
        hikari.setUsername(config.user());
        hikari.setPassword(config.password());
        hikari.setMaximumPoolSize(config.maxPoolSize());
        hikari.setAutoCommit(false);
        // A database that cannot hand out a connection makes callers wait at most this long, never Hikari's 30 s.
        hikari.setConnectionTimeout(5_000);
        // PostgreSQL may still be starting next to us; an embedded file that is locked will not come free by waiting.
        hikari.setInitializationFailTimeout(config.isH2() ? 1 : 10_000);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(hikari);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open database " + JdbcUrls.redact(config.url()) + ": " + rootMessage(e), e);
        }
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (FlywayException e) {
            dataSource.close();
            throw new StoreException("cannot migrate database " + JdbcUrls.redact(config.url()) + ": " + rootMessage(e), e);
        }
        log.info("Database ready: {}", JdbcUrls.redact(config.url()));
        return new Database(dataSource, config.url().startsWith("jdbc:postgresql:"));
    }

    /**
     * H2 keeps committed transactions in memory for up to a second by default; a killed process would lose them, and
     * with them a termination intent. {@code WRITE_DELAY=0} writes each commit through before it returns.
     */
    static String durableUrl(String url) {
        if (url.startsWith("jdbc:h2:file:") && !url.toUpperCase(java.util.Locale.ROOT).contains("WRITE_DELAY")) {
            return url + ";WRITE_DELAY=0";
        }
        return url;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Whether this is PostgreSQL (row locks with SKIP LOCKED) rather than the embedded H2. */
    public boolean isPostgres() {
        return postgres;
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        Objects.requireNonNull(work, "work");
        try (Connection connection = dataSource.getConnection()) {
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("database error: " + e.getMessage(), e);
        }
    }

    /**
     * Commits a one-row write, the cheapest proof that the database can write now (a full disk, a read-only replica
     * and a closed embedded database all fail it); throws {@link StoreException} otherwise.
     */
    public void probeWrite() {
        inTransaction(c -> {
            try (java.sql.PreparedStatement update = c.prepareStatement("UPDATE write_probe SET probed_at = ? WHERE id = 1")) {
                Sql.setInstant(update, 1, java.time.Instant.now());
                return update.executeUpdate();
            }
        });
    }

    /**
     * Replaces the pool's connections as they come free: after the database failed (an embedded database that closed
     * itself on a full disk, a restarted PostgreSQL), new connections reopen it, so that the server recovers without
     * a restart.
     */
    public void renewConnections() {
        var pool = dataSource.getHikariPoolMXBean();
        if (pool != null) {
            pool.softEvictConnections();
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = String.valueOf(t.getMessage());
            if (text.contains("Database may be already in use") || text.contains("The file is locked")) {
                return "the embedded database is already in use by another Macaque process (only one server may use a data "
                        + "directory; run several servers against PostgreSQL instead)";
            }
            if (text.contains("No space left on device")) {
                return "no space left on the device that holds it (" + message + ")";
            }
            if (text.contains("Permission denied") || t instanceof java.nio.file.AccessDeniedException) {
                return "permission denied (" + message + ")";
            }
            if (text.contains("Read-only file system")) {
                return "the file system that holds it is read-only (" + message + ")";
            }
        }
        return message;
    }
}
