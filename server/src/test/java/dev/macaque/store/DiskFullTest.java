package dev.macaque.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.config.MacaqueConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database on a real file system that fills up, then gets space back. */
public class DiskFullTest {
    @TempDir
    Path dir;

    /** Writes audit rows of about 1 KiB until one fails; the number of rows written before the failure. */
    public static int writeUntilAFailure(AuditLog audit) {
        String kilobyte = "x".repeat(1000);
        for (int i = 0; i < 20_000; i++) {
            try {
                audit.record("filler", null, "test.fill", "row " + i, "test", "ok", kilobyte);
            } catch (StoreException e) {
                return i;
            }
        }
        throw new AssertionError("20,000 writes on a full disk all committed");
    }

    @Test
    void aFullDiskMakesTheDatabaseUnwritableAndItRecoversByItselfWhenSpaceIsFreedWithoutLosingCommittedData() throws Exception {
        Optional<SmallFileSystem> mounted = SmallFileSystem.mount(dir.resolve("small"), 24);
        assumeThat(mounted).as("this machine permits mounting a tmpfs (root); the tests run as root here and in CI").isPresent();
        try (SmallFileSystem disk = mounted.get();
             Database database = Database.open(new MacaqueConfig.DatabaseConfig(
                     "jdbc:h2:file:" + disk.path().resolve("macaque"), "macaque", "", 4))) {
            AtomicLong nanos = new AtomicLong();
            DatabaseHealth health = new DatabaseHealth(database, nanos::get);
            AuditLog audit = new AuditLog(database, Clock.systemUTC());
            audit.record("alice (tok_1)", "operator", "before.the.disk.filled", "t", "127.0.0.1", "ok", null);
            assertThat(health.status().writable()).isTrue();

            disk.fill();
            writeUntilAFailure(audit);
            nanos.addAndGet(DatabaseHealth.FRESH_FOR.toNanos());
            DatabaseHealth.Status full = health.status();
            assertThat(full.writable()).isFalse();
            assertThat(full.reason()).isNotBlank();

            disk.free();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
                nanos.addAndGet(DatabaseHealth.FRESH_FOR.toNanos());
                return health.status().writable();
            });
            audit.record("alice (tok_1)", "operator", "after.space.was.freed", "t", "127.0.0.1", "ok", null);
            assertThat(audit.list(null, null, 100_000)).extracting(AuditEntry::action)
                    .contains("before.the.disk.filled", "after.space.was.freed");
        }
    }
}
