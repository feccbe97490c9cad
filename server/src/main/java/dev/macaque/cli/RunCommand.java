package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code macaque run SPEC [--dry-run] [--seed N] [--follow]}: starts an experiment run on a server. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start an experiment run on a server from a spec file (JSON or YAML).",
            "Exit codes: 0 started (with --follow: completed and every group recovered), 1 ended with a finding "
                + "(NOT_RECOVERED, FAILED, ABORTED, NOT_STEADY, HALTED, a kill-switch or stop-condition hold), 2 bad input or refused by the server "
                + "(e.g. no eligible group), 3 server unreachable or token refused."})
final class RunCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "SPEC", description = "The experiment spec, a .json or .yaml file.")
    Path spec;

    @Option(names = "--dry-run", description = "Decide and record everything, terminate nothing.")
    boolean dryRun;

    @Option(names = "--seed", paramLabel = "N", description = "The random seed (picks the victims reproducibly).")
    Long seed;

    @Option(names = "--follow", description = "Show the run's events live until it ends; the exit code says how it ended.")
    boolean follow;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        JsonNode body = SpecFiles.override(SpecFiles.read(spec), dryRun, seed);
        ApiClient api = client.client();
        JsonNode run = api.post("/api/v1/experiments", body);
        java.io.PrintWriter out = command.commandLine().getOut();
        RunFollower.started(out, run);
        return follow ? RunFollower.follow(api, out, run.path("id").asText()) : ExitCodes.OK;
    }
}
