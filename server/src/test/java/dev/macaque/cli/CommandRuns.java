package dev.macaque.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the real {@code macaque} command line in-process with its output captured. */
final class CommandRuns {
    private CommandRuns() {
    }

    record CommandRun(int exit, String out, String err) {
    }

    static CommandRun command(String... args) {
        picocli.CommandLine cli = MacaqueCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CommandRun(exit, out.toString(), err.toString());
    }
}
