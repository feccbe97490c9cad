package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code macaque killswitch status|engage|release}: the global kill switch of a server. */
@Command(name = "killswitch", mixinStandardHelpOptions = true, description = "The global kill switch: stop every termination now.",
        subcommands = {KillSwitchCommand.Status.class, KillSwitchCommand.Engage.class, KillSwitchCommand.Release.class})
final class KillSwitchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: status, engage or release");
    }

    static void print(PrintWriter out, JsonNode state) {
        out.println(state.path("engaged").asBoolean()
                ? "ENGAGED: every termination is refused" + (state.path("reason").isTextual() ? " (" + state.path("reason").asText() + ")" : "")
                        + (state.path("changedBy").isTextual() ? "; by " + state.path("changedBy").asText() : "")
                : "RELEASED: terminations are allowed" + (state.path("changedBy").isTextual() ? " (last change by "
                        + state.path("changedBy").asText() + ")" : ""));
        out.flush();
    }

    private static JsonNode change(ClientOptions client, boolean engaged, String reason) {
        ObjectNode body = ApiClient.JSON.createObjectNode().put("engaged", engaged);
        if (reason != null) {
            body.put("reason", reason);
        }
        return client.client().put("/api/v1/killswitch", body);
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Whether the kill switch is engaged.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), client.client().get("/api/v1/killswitch"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "engage", mixinStandardHelpOptions = true, description = "Stop all terminations on every server (operator).")
    static final class Engage implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Option(names = "--reason", paramLabel = "TEXT", description = "Why, e.g. 'incident 1234'.")
        String reason;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), change(client, true, reason));
            return ExitCodes.OK;
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true, description = "Allow terminations again (admin).")
    static final class Release implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            print(spec.commandLine().getOut(), change(client, false, null));
            return ExitCodes.OK;
        }
    }
}
