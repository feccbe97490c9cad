package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code macaque experiments list|show ID|events ID|abort ID}: the runs on a server. */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "Experiment runs on a server.",
        subcommands = {ExperimentsCommand.ListRuns.class, ExperimentsCommand.Show.class, ExperimentsCommand.Events.class,
            ExperimentsCommand.Abort.class})
final class ExperimentsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: list, show, events or abort");
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Runs, newest first.")
    static final class ListRuns implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--state", paramLabel = "STATE", description = "Only runs in this state (e.g. RUNNING).")
        String state;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N runs (default 20).")
        int limit;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            String query = "?limit=" + limit + (state == null ? "" : "&state=" + encode(state));
            JsonNode page = client.client().get("/api/v1/experiments" + query);
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : page.path("items")) {
                rows.add(List.of(r.path("id").asText(), r.path("name").asText(), r.path("state").asText(),
                        Tables.text(r, "verdict"), r.path("dryRun").asBoolean() ? "dry run" : "real", r.path("createdAt").asText()));
            }
            Tables.print(spec.commandLine().getOut(), List.of("ID", "NAME", "STATE", "VERDICT", "KIND", "CREATED"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One run as JSON: victims, terminations, refusals, recovery.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "ID")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JsonNode run = client.client().get("/api/v1/experiments/" + encode(id));
            spec.commandLine().getOut().println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "events", mixinStandardHelpOptions = true, description = "A run's events, one a line.")
    static final class Events implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--follow", description = "Keep showing new events until the run ends; the exit code says how it ended.")
        boolean follow;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ApiClient api = client.client();
            PrintWriter out = spec.commandLine().getOut();
            if (follow) {
                return RunFollower.follow(api, out, id);
            }
            for (JsonNode event : api.get("/api/v1/experiments/" + encode(id) + "/events").path("items")) {
                out.println(Tables.eventLine(event));
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true, description = "Abort a run that is still going: no further kill.")
    static final class Abort implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "ID")
        String id;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (kept in the run and the audit trail).")
        String reason;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode body = ApiClient.JSON.createObjectNode();
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode run = client.client().post("/api/v1/experiments/" + encode(id) + "/abort", body);
            spec.commandLine().getOut().println("Aborted run " + run.path("id").asText() + " (" + run.path("state").asText() + ")");
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }
}
