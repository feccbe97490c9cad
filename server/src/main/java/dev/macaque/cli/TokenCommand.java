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
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing sub-command: create, list or revoke (try 'macaque token --help')");
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

    /** Opens the configured database for one token operation, with one-shot logging. */
    private static Database open(ConfigOptions configOptions) {
        MacaqueConfig config = configOptions.load(InstallLayout.detect());
        LoggingSetup.apply(new MacaqueConfig.LoggingConfig(config.logging().format(), "WARN"));
        return Database.open(config.database());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Database database = open(configOptions)) {
                java.io.PrintWriter out = spec.commandLine().getOut();
                out.printf("%-22s %-20s %-9s %-25s %s%n", "ID", "NAME", "ROLE", "CREATED", "STATUS");
                for (var token : new TokenStore(database, Clock.systemUTC()).list()) {
                    out.printf("%-22s %-20s %-9s %-25s %s%n", token.id(), token.name(), token.role().wireName(), token.createdAt(),
                            token.active() ? "active" : "revoked " + token.revokedAt());
                }
                out.flush();
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an API token by its id.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @CommandLine.Parameters(paramLabel = "ID", description = "The token's id, as 'macaque token list' shows it.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            try (Database database = open(configOptions)) {
                if (!new TokenStore(database, Clock.systemUTC()).revoke(id)) {
                    spec.commandLine().getErr().println("macaque: no active token with id '" + id + "'");
                    return 1;
                }
                spec.commandLine().getOut().println("Revoked token " + id);
            }
            return 0;
        }
    }
}
