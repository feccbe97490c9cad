package dev.macaque.store;

import dev.macaque.config.MacaqueConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real databases for tests: an H2 file database in a temporary folder, and PostgreSQL — the server named by
 * {@code TEST_POSTGRES_JDBC_URL} (set by {@code .ci/run}), or else a throw-away PostgreSQL started from the
 * machine's binaries for this JVM. Each call gets a fresh, empty database.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static String postgresBase;

    private TestDatabases() {
    }

    public static MacaqueConfig.DatabaseConfig h2(Path dir) {
        return new MacaqueConfig.DatabaseConfig("jdbc:h2:file:" + dir.resolve("db-" + COUNTER.incrementAndGet()).toAbsolutePath(),
                "macaque", "", 4);
    }

    /** A new, empty PostgreSQL database. */
    public static synchronized MacaqueConfig.DatabaseConfig postgres() {
        if (postgresBase == null) {
            String given = System.getenv("TEST_POSTGRES_JDBC_URL");
            postgresBase = given != null && !given.isBlank() ? given : startThrowAwayServer();
        }
        String name = "macaque_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        try (Connection c = DriverManager.getConnection(postgresBase + "/postgres", "macaque", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + postgresBase + ": " + e.getMessage(), e);
        }
        return new MacaqueConfig.DatabaseConfig(postgresBase + "/" + name, "macaque", "", 4);
    }

    private static String startThrowAwayServer() {
        Path bin = findPostgresBin();
        try {
            Path dir = Files.createTempDirectory("macaque-pg");
            Path data = dir.resolve("data");
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            run(List.of("chown", "-R", "postgres", dir.toString()));
            run(asPostgres(bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "macaque", "--no-sync"));
            run(asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w",
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    run(asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"));
                } catch (RuntimeException ignored) {
                    // the JVM is exiting
                }
            }));
            return "jdbc:postgresql://127.0.0.1:" + port;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a throw-away PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static List<String> asPostgres(String... command) {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(command));
        return full;
    }

    private static Path findPostgresBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .sorted().reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL server binaries under /usr/lib/postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL tests need either TEST_POSTGRES_JDBC_URL or the postgresql-15 package "
                    + "(initdb under /usr/lib/postgresql/*/bin) and root to run it as the postgres user", e);
        }
    }

    private static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("command failed: " + String.join(" ", command) + "\n" + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
