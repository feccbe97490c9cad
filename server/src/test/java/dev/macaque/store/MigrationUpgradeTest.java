package dev.macaque.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.config.MacaqueConfig;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server upgraded in place keeps its database: Flyway (without {@code outOfOrder}) refuses to start on a database
 * whose history is ahead of a migration it has not applied, so a new migration must be numbered above every version
 * a release has shipped.
 */
class MigrationUpgradeTest {
    /** The migrations of the last release (V20 shipped before the versions between 5 and 20 were taken). */
    private static final Set<Integer> RELEASED = Set.of(1, 2, 3, 4, 5, 20);
    private static final Pattern VERSION = Pattern.compile("V(\\d+)__.+\\.sql");

    @TempDir
    Path dir;

    @Test
    void everyMigrationSinceTheLastReleaseIsNumberedAboveIt() throws Exception {
        int highestReleased = RELEASED.stream().mapToInt(Integer::intValue).max().orElseThrow();
        for (int version : versions()) {
            if (!RELEASED.contains(version)) {
                assertThat(version).as("migration V%d is new since the last release", version).isGreaterThan(highestReleased);
            }
        }
    }

    @Test
    void aDatabaseAtTheLastReleaseMigratesToTheCurrentSchema() throws Exception {
        Path released = Files.createDirectories(dir.resolve("released"));
        try (Stream<Path> files = Files.list(migrations())) {
            for (Path file : files.toList()) {
                Matcher m = VERSION.matcher(file.getFileName().toString());
                if (m.matches() && RELEASED.contains(Integer.parseInt(m.group(1)))) {
                    Files.copy(file, released.resolve(file.getFileName()));
                }
            }
        }
        MacaqueConfig.DatabaseConfig config = TestDatabases.h2(dir);
        Flyway.configure().dataSource(config.url(), config.user(), config.password())
                .locations("filesystem:" + released.toAbsolutePath()).load().migrate();
        assertThat(applied(config)).containsExactlyElementsOf(new TreeSet<>(RELEASED));

        try (Database upgraded = Database.open(config)) {
            assertThat(upgraded).isNotNull();
        }
        assertThat(applied(config)).containsExactlyElementsOf(versions());
    }

    private static TreeSet<Integer> applied(MacaqueConfig.DatabaseConfig config) throws SQLException {
        TreeSet<Integer> versions = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(config.url(), config.user(), config.password());
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE AND \"version\" IS NOT NULL")) {
            while (rs.next()) {
                versions.add(Integer.parseInt(rs.getString(1)));
            }
        }
        return versions;
    }

    private static TreeSet<Integer> versions() throws IOException, URISyntaxException {
        TreeSet<Integer> versions = new TreeSet<>();
        try (Stream<Path> files = Files.list(migrations())) {
            for (Path file : files.toList()) {
                Matcher m = VERSION.matcher(file.getFileName().toString());
                if (m.matches()) {
                    versions.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        assertThat(versions).containsAll(RELEASED);
        return versions;
    }

    private static Path migrations() throws URISyntaxException {
        return Path.of(MigrationUpgradeTest.class.getResource("/db/migration/V1__initial_schema.sql").toURI()).getParent();
    }
}
