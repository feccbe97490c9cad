package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code macaque templates list|show NAME|put NAME SPEC|run NAME}: experiment templates on a server. */
@Command(name = "templates", mixinStandardHelpOptions = true, description = "Experiment templates (named, versioned specs) on a server.",
        subcommands = {TemplatesCommand.ListTemplates.class, TemplatesCommand.Show.class, TemplatesCommand.Put.class,
            TemplatesCommand.RunTemplate.class})
final class TemplatesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: list, show, put or run");
    }

    private static String path(String name) {
        return "/api/v1/templates/" + ExperimentsCommand.encode(name);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Templates, the latest version of each.")
    static final class ListTemplates implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode t : client.client().get("/api/v1/templates").path("items")) {
                rows.add(List.of(t.path("name").asText(), t.path("version").asText(), t.path("spec").path("name").asText(),
                        t.path("createdBy").asText(), t.path("createdAt").asText()));
            }
            Tables.print(spec.commandLine().getOut(), List.of("NAME", "VERSION", "EXPERIMENT", "BY", "AT"), rows);
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A template's latest version as JSON.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            JsonNode template = client.client().get(path(name));
            spec.commandLine().getOut().println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(template));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Add a version of a template from a spec file.")
    static final class Put implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1", paramLabel = "SPEC", description = "The experiment spec, a .json or .yaml file.")
        Path file;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            JsonNode stored = client.client().put(path(name), SpecFiles.read(file));
            spec.commandLine().getOut().println("Template " + stored.path("name").asText() + " is at version " + stored.path("version").asText());
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Start a run of a template's latest version.", "Exit codes as for 'macaque run'."})
    static final class RunTemplate implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--dry-run", description = "Decide and record everything, terminate nothing.")
        boolean dryRun;

        @Option(names = "--seed", paramLabel = "N", description = "The random seed.")
        Long seed;

        @Option(names = "--follow", description = "Show the run's events live until it ends.")
        boolean follow;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            ObjectNode overrides = SpecFiles.override(ApiClient.JSON.createObjectNode(), dryRun, seed);
            ApiClient api = client.client();
            JsonNode run = api.post(path(name) + "/runs", overrides);
            PrintWriter out = spec.commandLine().getOut();
            RunFollower.started(out, run);
            return follow ? RunFollower.follow(api, out, run.path("id").asText()) : ExitCodes.OK;
        }
    }
}
