package dev.macaque.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MacaqueCommandTest {
    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = MacaqueCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"serve", "providers", "version"}) {
            Run run = run(command, "--help");
            assertThat(run.exit()).as(command).isZero();
            assertThat(run.out()).as(command).contains("Usage: macaque " + command);
        }
        assertThat(run("--help").out()).contains("serve").contains("providers").contains("version");
    }

    @Test
    void anUnknownCommandOrOptionIsAUsageErrorWithANonZeroExit() {
        Run unknown = run("explode");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument").contains("explode");

        Run badPort = run("serve", "--port", "many");
        assertThat(badPort.exit()).isEqualTo(2);
        assertThat(badPort.err()).contains("--port").contains("many");
    }

    @Test
    void noCommandAtAllIsAUsageError() {
        Run run = run();
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command");
    }

    @Test
    void anInvalidConfigFileStopsServeWithTheKeyNamedAndExitTwo() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "server:\n  prot: 1\n");

        Run run = run("serve", "--config", config.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid configuration").contains(config + ":2:").contains("server.prot");
    }

    @Test
    void aProviderInstanceWithAnUnknownKeyStopsServeAndProvidersWithFileLineAndExitTwo() throws Exception {
        Path config = dir.resolve("typo.yaml");
        Files.writeString(config, "providers:\n  sim:\n    type: simulated\n    speeed: 2\n  ghost:\n    type: simulatd\n");

        for (String command : new String[] {"serve", "providers"}) {
            Run run = run(command, "--config", config.toString());

            assertThat(run.exit()).as(command).isEqualTo(2);
            assertThat(run.err()).as(command).contains("Invalid configuration")
                    .contains(config + ":4:5: providers.sim.speeed: unknown key 'speeed'").contains("did you mean 'speed'?")
                    .contains(config + ":6:5: providers.ghost.type: provider type 'simulatd' is not installed")
                    .contains("did you mean 'simulated'?");
            assertThat(run.out()).as(command).doesNotContain("ADMIN TOKEN").doesNotContain("TYPE");
        }
    }

    @Test
    void providersShowsEachProvidersOwnVersionBesideItsSpiVersion() throws Exception {
        Path config = dir.resolve("ok.yaml");
        Files.writeString(config, "providers:\n  sim:\n    type: simulated\n    speed: 2\n");

        Run run = run("providers", "--config", config.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("TYPE").contains("SPI").contains("VERSION")
                .contains("Server SPI version: " + dev.macaque.spi.SpiVersion.CURRENT);
        // built from target/classes here, so the built-in has no manifest version: shown as "-", never invented
        assertThat(run.out().lines().filter(l -> l.startsWith("simulated")).findFirst().orElseThrow())
                .matches("simulated\\s+1\\.\\d+\\s+\\S+\\s+sim\\s+built-in");
    }

    @Test
    void anUnreadableConfigFileIsReported() {
        Path missing = dir.resolve("missing.yaml");

        Run run = run("providers", "--config", missing.toString());

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(missing.toString()).contains("cannot read");
    }

    @Test
    void providersListsBuiltInsAndPluginErrors() throws Exception {
        Path config = dir.resolve("macaque.yaml");
        Files.createDirectories(dir.resolve("plugins/broken"));
        Files.writeString(dir.resolve("plugins/broken/x.jar"), "garbage");
        Files.writeString(config, "plugins:\n  directory: " + dir.resolve("plugins") + "\n");

        Run run = run("providers", "--config", config.toString());

        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("TYPE").contains("Plugins that failed to load").contains("corrupt jar x.jar");
    }

    @Test
    void versionPrintsTheSpiVersion() {
        Run run = run("version");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Macaque").contains("Provider SPI " + dev.macaque.spi.SpiVersion.CURRENT).contains("Java 17");
    }

    @Test
    void tokenCreateWritesAWorkingTokenToTheDatabaseAndPrintsItOnce() throws Exception {
        Path config = dir.resolve("macaque.yaml");
        String url = "jdbc:h2:file:" + dir.resolve("db/macaque");
        Files.writeString(config, "database:\n  url: " + url + "\n");

        Run run = run("token", "create", "--config", config.toString(), "--role", "operator", "--name", "ci", "--create-database");

        assertThat(run.exit()).as(run.err()).isZero();
        String secret = run.out().trim();
        assertThat(secret).startsWith("mq_");
        assertThat(run.err()).contains("operator token 'ci'").contains("shown only this once");
        try (var db = dev.macaque.store.Database.open(new dev.macaque.config.MacaqueConfig.DatabaseConfig(url, null, null, null))) {
            var token = new dev.macaque.auth.TokenStore(db, java.time.Clock.systemUTC()).authenticate(secret).orElseThrow();
            assertThat(token.role()).isEqualTo(dev.macaque.auth.Role.OPERATOR);
        }
    }

    @Test
    void tokenCreateRejectsAnUnknownRole() {
        Run run = run("token", "create", "--role", "root", "--name", "ci");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--role: role must be one of viewer, operator, admin; was 'root'");
    }

    @Test
    void tokensCanBeListedWithoutSecretsAndRevoked() throws Exception {
        Path config = dir.resolve("macaque.yaml");
        Files.writeString(config, "database:\n  url: jdbc:h2:file:" + dir.resolve("db/macaque") + "\n");
        String secret = run("token", "create", "--config", config.toString(), "--role", "viewer", "--name", "dash", "--create-database").out().trim();

        Run list = run("token", "list", "--config", config.toString());
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("dash").contains("viewer").contains("active").doesNotContain(secret);
        String id = list.out().lines().filter(l -> l.contains("dash")).findFirst().orElseThrow().split("\\s+")[0];

        Run revoke = run("token", "revoke", "--config", config.toString(), id);
        assertThat(revoke.exit()).isZero();
        assertThat(run("token", "list", "--config", config.toString()).out()).contains("revoked");
        Run again = run("token", "revoke", "--config", config.toString(), id);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("no active token with id '" + id + "'");
    }

    @Test
    void serveOnALockedDatabaseExitsTwoWithinSecondsWithOneMessageNamingTheFileAndTheCause() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("db/macaque");
        Path config = dir.resolve("macaque.yaml");
        Files.writeString(config, "server:\n  port: 0\ndatabase:\n  url: " + url + "\n");
        try (var held = dev.macaque.store.Database.open(new dev.macaque.config.MacaqueConfig.DatabaseConfig(url, null, null, null))) {
            long started = System.nanoTime();
            Process serve = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve", "--config", config.toString())
                    .redirectErrorStream(true).start();
            String output = new String(serve.getInputStream().readAllBytes());
            assertThat(serve.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(serve.exitValue()).as(output).isEqualTo(2);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).as(output).isLessThan(java.time.Duration.ofSeconds(30));
            assertThat(output).contains("macaque: cannot open database " + url).contains("already in use by another Macaque process")
                    .doesNotContain("ADMIN TOKEN");
            assertThat(output.lines().filter(l -> l.contains("cannot open database"))).as(output).hasSize(1);
            assertThat(output.lines().count()).as("no flood: " + output).isLessThan(25);
        }
    }
}
