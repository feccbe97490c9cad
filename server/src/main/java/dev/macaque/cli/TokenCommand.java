package dev.macaque.cli;

import dev.macaque.auth.Role;
import dev.macaque.auth.TokenStore;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.logging.LoggingSetup;
import dev.macaque.store.Database;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code macaque token create --role operator --name ci}: issues an API token straight into the database. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Manage API tokens.",
        subcommands = {TokenCommand.Create.class})
public final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: try 'macaque token create --help'");
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create an API token and print it once.",
                "With the embedded database, stop the server first or use POST /api/v1/tokens instead."})
    static final class Create implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator or admin.")
        String role;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what uses the token, e.g. ci.")
        String name;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Role parsed;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--role: " + e.getMessage());
            }
            MacaqueConfig config = configOptions.load(InstallLayout.detect());
            // a one-shot command: only warnings, so that its own output stands out
            LoggingSetup.apply(new MacaqueConfig.LoggingConfig(config.logging().format(), "WARN"));
            try (Database database = Database.open(config.database())) {
                TokenStore.IssuedToken issued;
                try {
                    issued = new TokenStore(database, Clock.systemUTC()).create(name, parsed, "cli");
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--name: " + e.getMessage());
                }
                spec.commandLine().getOut().println(issued.secret());
                spec.commandLine().getErr().println("Created " + parsed.wireName() + " token '" + name + "' (" + issued.token().id()
                        + "). It is shown only this once.");
            }
            return 0;
        }
    }
}
