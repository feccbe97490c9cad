package dev.macaque.cli;

import dev.macaque.config.ConfigException;
import dev.macaque.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code macaque}: the top-level command. */
@Command(name = "macaque",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Chaos engineering for VM groups on any cloud: kill opted-in instances on purpose, verify recovery.",
        subcommands = {ServeCommand.class, ProvidersCommand.class, TokenCommand.class, SimulateCommand.class, SnapshotCommand.class,
            VersionCommand.class,
            RunCommand.class, PreviewCommand.class, ExperimentsCommand.class, TemplatesCommand.class, KillSwitchCommand.class,
            GroupsCommand.class, ScorecardCommand.class, ZonesCommand.class, CommandLine.HelpCommand.class})
public final class MacaqueCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'macaque --help'");
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new MacaqueCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ClientFailure failure) {
                commandLine.getErr().println("macaque: " + failure.getMessage());
                commandLine.getErr().flush();
                return failure.exitCode();
            }
            if (e instanceof ConfigException config) {
                commandLine.getErr().println("Invalid configuration:");
                config.errors().forEach(error -> commandLine.getErr().println("  " + error));
                return ExitCodes.INVALID_INPUT;
            }
            if (e instanceof StoreException database) {
                // one line naming the database and the cause: locked, permission denied, no space, unreachable
                commandLine.getErr().println("macaque: " + database.getMessage());
                return ExitCodes.INVALID_INPUT;
            }
            commandLine.getErr().println("macaque: " + e.getMessage());
            return ExitCodes.FAILED;
        });
        return cli;
    }
}
