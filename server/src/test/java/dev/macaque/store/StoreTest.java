package dev.macaque.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.auth.ApiToken;
import dev.macaque.auth.Role;
import dev.macaque.auth.TokenStore;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.killswitch.KillSwitchStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The stores against both real databases: embedded H2 and PostgreSQL, with the same migrations. */
class StoreTest {
    @TempDir
    static Path dir;

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-02T10:15:30Z"), ZoneOffset.UTC);

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("h2", (Function<Path, MacaqueConfig.DatabaseConfig>) TestDatabases::h2),
                Arguments.of("postgresql", (Function<Path, MacaqueConfig.DatabaseConfig>) d -> TestDatabases.postgres()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRunsPredictionIsKeptWithTheRunAndAReplayedCreationAddsNone(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        try (Database db = Database.open(config.apply(dir))) {
            var store = new dev.macaque.experiments.RunStore(db, new com.fasterxml.jackson.databind.ObjectMapper());
            String prediction = "{\"seed\":7,\"provider\":\"tc\",\"victims\":[]}";

            var created = store.create("run_p1", "p", 7, false, "test", CLOCK.instant(), "{}", "key-1", "hash-1", prediction);
            var replayed = store.create("run_p2", "p", 7, false, "test", CLOCK.instant(), "{}", "key-1", "hash-1", prediction);

            assertThat(created).isInstanceOf(dev.macaque.experiments.RunStore.Creation.Created.class);
            assertThat(replayed).isEqualTo(new dev.macaque.experiments.RunStore.Creation.Replayed("run_p1"));
            assertThat(store.prediction("run_p1")).contains(prediction);
            assertThat(store.prediction("run_p2")).isEmpty();
            assertThat(store.create("run_p3", "p", 7, false, "test", CLOCK.instant(), "{}", null, null).getClass())
                    .isEqualTo(dev.macaque.experiments.RunStore.Creation.Created.class);
            assertThat(store.prediction("run_p3")).as("a run started without predict has none").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRunKeepsItsTemplateFromItsCreationAndTheHistoryFiltersByIt(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        try (Database db = Database.open(config.apply(dir))) {
            var store = new dev.macaque.experiments.RunStore(db, new com.fasterxml.jackson.databind.ObjectMapper());
            var history = new dev.macaque.experiments.RunHistory(db);
            Instant t0 = CLOCK.instant();
            store.create("run_t1", "t", 1, true, "test", t0, "{}", null, null, null, "nightly-api");
            store.create("run_t2", "t", 2, true, "test", t0.plusSeconds(1), "{}", null, null, null, "weekly-web");
            store.create("run_t3", "t", 3, true, "test", t0.plusSeconds(2), "{}", "key-t3", "hash-t3", null, "nightly-api");
            store.create("run_t4", "t", 4, true, "test", t0.plusSeconds(3), "{}", null, null);

            assertThat(store.find("run_t1").orElseThrow().templateName()).as("kept while the run is still PENDING").isEqualTo("nightly-api");
            assertThat(store.find("run_t4").orElseThrow().templateName()).isNull();
            assertThat(store.list(null, "nightly-api", null, null, null, 10)).extracting(dev.macaque.experiments.StoredRun::id)
                    .containsExactly("run_t3", "run_t1");
            assertThat(store.list(null, "nightly-api", null, t0.plusSeconds(2), "run_t3", 10))
                    .as("the cursor pages within the filter").extracting(dev.macaque.experiments.StoredRun::id).containsExactly("run_t1");
            assertThat(store.list("RUNNING", "nightly-api", null, null, null, 10)).isEmpty();
            assertThat(store.list(null, "no-such", null, null, null, 10)).isEmpty();
            assertThat(history.runsTouching(null, "weekly-web", null, null, null, null, 10))
                    .extracting(dev.macaque.experiments.StoredRun::id).containsExactly("run_t2");
            assertThat(history.templatesUsed(10)).containsExactly("nightly-api", "weekly-web");
            assertThat(history.templatesUsed(1)).containsExactly("nightly-api");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tokensAreStoredAsHashesAndAuthenticateUntilRevoked(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        try (Database db = Database.open(config.apply(dir))) {
            TokenStore tokens = new TokenStore(db, CLOCK);
            TokenStore.IssuedToken issued = tokens.create("ci", Role.OPERATOR, "test");

            assertThat(issued.secret()).startsWith("mq_").hasSizeGreaterThan(40);
            ApiToken found = tokens.authenticate(issued.secret()).orElseThrow();
            assertThat(found.role()).isEqualTo(Role.OPERATOR);
            assertThat(found.createdAt()).isEqualTo(CLOCK.instant());
            Boolean plaintextStored = db.inTransaction(c -> {
                try (var s = c.prepareStatement("SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?")) {
                    s.setString(1, issued.secret());
                    try (var rs = s.executeQuery()) {
                        rs.next();
                        return rs.getLong(1) > 0;
                    }
                }
            });
            assertThat(plaintextStored).as("the secret itself is never stored").isFalse();
            assertThat(tokens.authenticate(issued.secret() + "x")).isEmpty();

            assertThat(tokens.revoke(found.id())).isTrue();
            assertThat(tokens.authenticate(issued.secret())).isEmpty();
            assertThat(tokens.revoke(found.id())).as("revoking twice").isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theFirstAdminTokenIsCreatedOnlyOnAnEmptyDatabase(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        MacaqueConfig.DatabaseConfig db = config.apply(dir);
        String first;
        try (Database database = Database.open(db)) {
            TokenStore tokens = new TokenStore(database, CLOCK);
            TokenStore.IssuedToken admin = tokens.bootstrapAdmin().orElseThrow();
            first = admin.secret();
            assertThat(admin.token().role()).isEqualTo(Role.ADMIN);
            assertThat(tokens.bootstrapAdmin()).isEmpty();
        }
        try (Database reopened = Database.open(db)) {
            TokenStore tokens = new TokenStore(reopened, CLOCK);
            assertThat(tokens.bootstrapAdmin()).as("after a restart").isEmpty();
            assertThat(tokens.authenticate(first)).as("tokens survive a restart").isPresent();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theKillSwitchSurvivesARestart(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        MacaqueConfig.DatabaseConfig db = config.apply(dir);
        try (Database database = Database.open(db)) {
            KillSwitchStore killSwitch = new KillSwitchStore(database, CLOCK);
            assertThat(killSwitch.engaged()).isFalse();
            assertThat(killSwitch.set(true, "incident 42", "alice").engaged()).isTrue();
        }
        try (Database database = Database.open(db)) {
            var state = new KillSwitchStore(database, CLOCK).state();
            assertThat(state.engaged()).isTrue();
            assertThat(state.reason()).isEqualTo("incident 42");
            assertThat(state.changedBy()).isEqualTo("alice");
            assertThat(state.changedAt()).isEqualTo(CLOCK.instant());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void theAuditLogIsNewestFirstAndPagesByCursor(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        try (Database database = Database.open(config.apply(dir))) {
            AuditLog audit = new AuditLog(database, CLOCK);
            for (int i = 0; i < 5; i++) {
                audit.record("alice (tok_1)", "operator", "action." + i, "t" + i, "127.0.0.1", "ok", null);
            }
            List<AuditEntry> first = audit.list(null, null, 2);
            assertThat(first).extracting(AuditEntry::action).containsExactly("action.4", "action.3");
            List<AuditEntry> second = audit.list(null, first.get(1).id(), 2);
            assertThat(second).extracting(AuditEntry::action).containsExactly("action.2", "action.1");
            assertThat(audit.list(CLOCK.instant().plusSeconds(1), null, 10)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aFailedTransactionLeavesNothingBehind(String name, Function<Path, MacaqueConfig.DatabaseConfig> config) {
        try (Database database = Database.open(config.apply(dir))) {
            assertThatThrownBy(() -> database.inTransaction(c -> {
                try (var s = c.prepareStatement("INSERT INTO kill_history (group_key, last_kill_at) VALUES ('g', CURRENT_TIMESTAMP)")) {
                    s.executeUpdate();
                }
                throw new IllegalStateException("boom");
            })).hasMessage("boom");
            long rows = database.inTransaction(c -> {
                try (var s = c.prepareStatement("SELECT COUNT(*) FROM kill_history"); var rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(rows).isZero();
        }
    }

    @org.junit.jupiter.api.Test
    void aSecondProcessOnTheSameEmbeddedDatabaseIsRefusedClearly() throws Exception {
        MacaqueConfig.DatabaseConfig db = TestDatabases.h2(dir);
        try (Database first = Database.open(db)) {
            // another JVM opening the same H2 file: H2's file lock refuses it
            Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), OpenDatabaseMain.class.getName(), db.url())
                    .redirectErrorStream(true).start();
            String output = new String(other.getInputStream().readAllBytes());
            assertThat(other.waitFor()).isEqualTo(3);
            assertThat(output).contains("already in use by another Macaque process");
        }
    }

    /** Opens a database and exits 0, or prints the error and exits 3. */
    public static final class OpenDatabaseMain {
        public static void main(String[] args) {
            try (Database ignored = Database.open(new MacaqueConfig.DatabaseConfig(args[0], "macaque", "", 1))) {
                System.exit(0);
            } catch (StoreException e) {
                System.out.println(e.getMessage());
                System.exit(3);
            }
        }
    }
}
