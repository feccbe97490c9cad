package dev.macaque.cli;

import static dev.macaque.cli.CommandRuns.command;
import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.cli.CommandRuns.CommandRun;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import dev.macaque.store.TestDatabases;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every client command against one real server on the demo world (simulated cloud, 60x real time), through the real
 * command line: output, and the exit codes scripts rely on.
 */
class ClientCommandsTest {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path KILL_ONE_API = REPOSITORY.resolve("docs/experiments/kill-one-api.yaml");
    private static final Path KILL_DB = REPOSITORY.resolve("docs/experiments/kill-db.yaml");

    @TempDir
    static Path home;
    private static TestServer server;
    private static String url;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        server = TestServer.start(home, TestDatabases.h2(home), MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", "demo")));
        url = "http://127.0.0.1:" + server.server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void restoreEnvironment() {
        ClientOptions.environment = System.getenv();
        command("killswitch", "release", "--server", url, "--token", server.adminToken);
    }

    private static CommandRun client(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", url, "--token", server.adminToken));
        return command(all.toArray(String[]::new));
    }

    private Path spec(String yaml) throws IOException {
        Path file = work.resolve("spec.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static String runId(CommandRun run) {
        Matcher id = Pattern.compile("Started run (run_\\w+)").matcher(run.out());
        assertThat(id.find()).as(run.out() + run.err()).isTrue();
        return id.group(1);
    }

    @Test
    void runFollowShowsTheEventsLiveAndExitsZeroWhenEveryGroupRecovered() {
        CommandRun run = client("run", KILL_ONE_API.toString(), "--follow", "--seed", "7");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("seed 7").contains("TERMINATION_INTENT").contains("GROUP_RECOVERED")
                .contains("RUN_COMPLETED").containsPattern("Run run_\\w+ COMPLETED: PASSED, 1 victim terminated, 1 group recovered");
    }

    @Test
    void runFollowExitsOneWhenAGroupIsNotRecovered() throws IOException {
        Path impatient = spec("{name: impatient, targets: {groups: [api]}, selection: {mode: count, value: 1},"
                + " recovery: {timeout: 1s, pollInterval: 200ms}}");
        CommandRun run = client("run", impatient.toString(), "--follow");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.out()).contains("GROUP_NOT_RECOVERED").contains("NOT_RECOVERED  sim/us-east-1/api")
                .contains("FINDING, 1 group of 1 did not recover: sim/us-east-1/api");
    }

    @Test
    void runOfAGroupThatDidNotOptInExitsTwoWithTheReason() {
        CommandRun run = client("run", KILL_DB.toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("no group is eligible").containsPattern("sim/us-east-1/db\\s+NOT_OPTED_IN").contains("(HTTP 422)")
                .doesNotContainPattern("\\n  [^\\n]*\\(HTTP 422\\)");
    }

    @Test
    void badInputExitsTwoAndAnUnreachableServerOrARefusedTokenExitThree() throws IOException {
        CommandRun invalid = client("run", spec("{name: x}").toString());
        assertThat(invalid.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(invalid.err()).contains("selection");
        assertThat(client("run", work.resolve("missing.yaml").toString()).err()).contains("missing.yaml: no such file");

        CommandRun badToken = command("groups", "--server", url, "--token", "mq_not-a-token");
        assertThat(badToken.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(badToken.err()).contains("the server refused the token");

        int freePort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            freePort = socket.getLocalPort();
        }
        CommandRun down = command("groups", "--server", "http://127.0.0.1:" + freePort, "--token", "mq_x");
        assertThat(down.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(down.err()).contains("cannot reach the Macaque server at http://127.0.0.1:" + freePort);
    }

    @Test
    void theEnvironmentFallbacksNameTheServerAndToken() {
        ClientOptions.environment = Map.of(ClientOptions.SERVER_ENV, url, ClientOptions.TOKEN_ENV, server.adminToken);
        CommandRun groups = command("groups");
        assertThat(groups.exit()).as(groups.err()).isEqualTo(ExitCodes.OK);
        assertThat(groups.out()).contains("sim/us-east-1/db").contains("no");
    }

    @Test
    void previewShowsEligibleAndExcludedGroupsAndTheVictimsASeedPicks() {
        CommandRun preview = client("preview", KILL_ONE_API.toString(), "--seed", "3");
        assertThat(preview.exit()).as(preview.err()).isEqualTo(ExitCodes.OK);
        assertThat(preview.out()).contains("Seed 3").contains("sim/us-east-1/api").containsPattern("sim/us-east-1/db\\s+NOT_OPTED_IN")
                .containsPattern("VICTIM   sim/us-east-1/api/\\S+");

        CommandRun nothing = client("preview", KILL_DB.toString());
        assertThat(nothing.exit()).isEqualTo(ExitCodes.REFUSED);
    }

    @Test
    void experimentsListShowEventsAndAbort() throws IOException {
        Path slow = spec("{name: slow, targets: {groups: [web]}, selection: {mode: count, value: 1},"
                + " recovery: {timeout: 30m, pollInterval: 1s}}");
        String id = runId(client("run", slow.toString()));

        assertThat(client("experiments", "list").out()).contains(id).contains("slow");
        assertThat(client("experiments", "show", id).out()).contains("\"id\" : \"" + id + "\"");
        CommandRun aborted = client("experiments", "abort", id, "--reason", "enough for today");
        assertThat(aborted.exit()).as(aborted.err()).isEqualTo(ExitCodes.OK);
        assertThat(aborted.out()).contains("Aborted run " + id + " (ABORTED)");
        assertThat(client("experiments", "events", id).out()).contains("RUN_CREATED").containsPattern("RUN_ABORTED\\s+reason=enough for today");
        assertThat(client("experiments", "list").out()).containsPattern("ID\\s+NAME\\s+STATE\\s+VERDICT")
                .containsPattern(id + "\\s+slow\\s+ABORTED\\s+ABORTED\\s+real");
        CommandRun again = client("experiments", "abort", id);
        assertThat(again.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(again.err()).contains("has already ended");
    }

    @Test
    void templatesPutListShowAndRun() {
        CommandRun put = client("templates", "put", "api-dry-once", KILL_ONE_API.toString());
        assertThat(put.out()).as(put.err()).contains("Template api-dry-once is at version 1");
        assertThat(client("templates", "list").out()).contains("api-dry-once").contains("kill-one-api");
        assertThat(client("templates", "show", "api-dry-once").out()).contains("\"version\" : 1");
        CommandRun run = client("templates", "run", "api-dry-once", "--dry-run", "--follow");
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains("dry run").contains("WOULD_TERMINATE");
        assertThat(client("templates", "show", "nope").exit()).isEqualTo(ExitCodes.REFUSED);
    }

    @Test
    void theKillSwitchEngagesHaltsARunAndIsReleased() {
        assertThat(client("killswitch", "engage", "--reason", "incident 1234").out()).contains("ENGAGED").contains("incident 1234");
        assertThat(client("killswitch", "status").out()).contains("ENGAGED");
        CommandRun halted = client("run", KILL_ONE_API.toString(), "--follow");
        // the run terminated nothing: its own exit code, not the one of a finding nor success
        assertThat(halted.exit()).as(halted.out()).isEqualTo(ExitCodes.NOTHING_KILLED).isEqualTo(5);
        assertThat(halted.out()).contains("KILL_SWITCH").contains("NOTHING_KILLED, the only victim was refused (kill switch: 1)");
        assertThat(client("killswitch", "release").out()).contains("RELEASED:");
    }

    @Test
    void aTokenCreatedWithAScopeActsOnlyWithinIt() {
        CommandRun created = client("token", "create", "--role", "operator", "--name", "team-bot", "--scope", "team=storefront");
        assertThat(created.exit()).as(created.err()).isEqualTo(ExitCodes.OK);
        assertThat(created.err()).contains("within {\"team\":\"storefront\"}");
        String preview = server.sendJson("POST", "/api/v1/experiments/preview", created.out().trim(),
                "{\"name\":\"all\",\"selection\":{\"mode\":\"count\",\"value\":1}}").body();
        assertThat(preview).contains("\"group\":\"cache\",\"reason\":\"OUT_OF_SCOPE\"");

        CommandRun blank = client("token", "create", "--role", "operator", "--name", "bad", "--scope", "team=");
        assertThat(blank.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(blank.err()).contains("--scope: a scope is tag: value pairs");
    }

    @Test
    void tokenCommandsGoThroughTheApiWhenAServerIsGiven() {
        CommandRun created = client("token", "create", "--role", "viewer", "--name", "dashboard");
        assertThat(created.exit()).as(created.err()).isEqualTo(ExitCodes.OK);
        String secret = created.out().trim();
        assertThat(secret).startsWith("mq_");
        CommandRun listed = client("token", "list");
        assertThat(listed.out()).contains("dashboard").contains("viewer");
        String id = listed.out().lines().filter(l -> l.contains("dashboard")).findFirst().orElseThrow().split("\\s+")[0];
        assertThat(client("token", "revoke", id).out()).contains("Revoked token " + id);
        assertThat(command("groups", "--server", url, "--token", secret).exit()).isEqualTo(ExitCodes.UNREACHABLE);
    }

    /** The README's command-line examples, each line run as written (the Quickstart's port is this server's). */
    @Test
    void theReadmeCommandLineExamplesWorkAsWritten() throws IOException {
        String readme = Files.readString(REPOSITORY.resolve("README.md"));
        int marker = readme.indexOf("a test runs each line against the demo world");
        assertThat(marker).as("the README's marked CLI block").isPositive();
        int start = readme.indexOf("```sh\n", marker) + 6;
        String block = readme.substring(start, readme.indexOf("```", start));
        ClientOptions.environment = Map.of(ClientOptions.SERVER_ENV, url, ClientOptions.TOKEN_ENV, server.adminToken);
        int ran = 0;
        for (String line : block.lines().map(String::strip).toList()) {
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("export ")) {
                continue;
            }
            List<String> words = shellWords(line.replaceAll("\\s+#.*$", ""));
            assertThat(words.get(0)).isEqualTo("macaque");
            List<String> args = new ArrayList<>();
            for (String word : words.subList(1, words.size())) {
                args.add(word.equals(ClientOptions.DEFAULT_SERVER) ? url
                        : word.startsWith("docs/") ? REPOSITORY.resolve(word).toString() : word);
            }
            CommandRun run = command(args.toArray(String[]::new));
            int expected = line.contains("kill-db.yaml") ? ExitCodes.REFUSED : ExitCodes.OK;
            assertThat(run.exit()).as(line + "\n" + run.out() + run.err()).isEqualTo(expected);
            ran++;
        }
        assertThat(ran).isGreaterThanOrEqualTo(10);
    }

    /** Words of a shell line: blanks separate, double quotes group. */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return words;
    }

    @Test
    void tokenListWithoutAServerRefusesADatabaseThatDoesNotExist() throws IOException {
        Path config = work.resolve("macaque.yaml");
        Files.writeString(config, "database:\n  url: jdbc:h2:file:" + work.resolve("data/macaque") + "\n");
        CommandRun list = command("token", "list", "--config", config.toString());
        assertThat(list.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(list.err()).contains("no Macaque database at " + work.resolve("data/macaque.mv.db"))
                .contains("--create-database");
        assertThat(work.resolve("data")).doesNotExist();
    }
}
