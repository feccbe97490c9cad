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

/**
 * {@code macaque token create|list|revoke}: through a running server's API when {@code --server} (or
 * {@code MACAQUE_CLI_SERVER}) is given, else straight in the configured database (the server stopped, with H2).
 */
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

        @Mixin
        ClientOptions client;

        @Option(names = "--create-database", description = "Create the embedded database when it does not exist yet.")
        boolean createDatabase;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, operator or admin.")
        String role;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "Who or what uses the token, e.g. ci.")
        String name;

        @Option(names = "--scope", paramLabel = "TAG=VALUE", description = {"Limit the token to the groups carrying this tag "
                + "(repeatable), e.g. --scope team=payments.", "Through a server, a scoped admin's token gets its scope by default."})
        java.util.Map<String, String> scope;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Role parsed;
            dev.macaque.auth.Scope scoped;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--role: " + e.getMessage());
            }
            try {
                scoped = dev.macaque.auth.Scope.of(scope);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--scope: " + e.getMessage());
            }
            if (client.serverGiven()) {
                com.fasterxml.jackson.databind.node.ObjectNode request = ApiClient.JSON.createObjectNode().put("name", name)
                        .put("role", parsed.wireName());
                if (scope != null) {
                    request.set("scope", ApiClient.JSON.valueToTree(scoped.tags()));
                }
                com.fasterxml.jackson.databind.JsonNode created = client.client().post("/api/v1/tokens", request);
                spec.commandLine().getOut().println(created.path("token").asText());
                spec.commandLine().getErr().println("Created " + parsed.wireName() + " token '" + name + "' ("
                        + created.path("id").asText() + ")" + (created.path("scope").isObject() ? " within " + created.path("scope")
                        : "") + " through " + client.client().base() + ". It is shown only this once.");
                return 0;
            }
            try (Database database = open(configOptions, createDatabase, spec)) {
                TokenStore.IssuedToken issued;
                try {
                    issued = new TokenStore(database, Clock.systemUTC()).create(name, parsed, scoped, "cli");
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--name: " + e.getMessage());
                } catch (TokenStore.NameTaken e) {
                    throw new ClientFailure(ExitCodes.REFUSED, "--name: " + e.getMessage());
                }
                spec.commandLine().getOut().println(issued.secret());
                spec.commandLine().getErr().println("Created " + parsed.wireName() + " token '" + name + "' (" + issued.token().id()
                        + ")" + (scoped.unscoped() ? "" : " within " + scoped) + ". It is shown only this once.");
            }
            return 0;
        }
    }

    /**
     * Opens the configured database for one token operation, with one-shot logging. Says which database it opens, and
     * refuses an embedded one that does not exist (run from another folder, {@code ./data} would be a new, empty one)
     * unless {@code create} is set.
     */
    private static Database open(ConfigOptions configOptions, boolean create, CommandLine.Model.CommandSpec spec) {
        MacaqueConfig config = configOptions.load(InstallLayout.detect());
        LoggingSetup.apply(new MacaqueConfig.LoggingConfig(config.logging().format(), "WARN"));
        String url = config.database().url();
        if (url.startsWith("jdbc:h2:file:")) {
            String path = url.substring("jdbc:h2:file:".length());
            int options = path.indexOf(';');
            java.nio.file.Path file = java.nio.file.Path.of((options < 0 ? path : path.substring(0, options)) + ".mv.db")
                    .toAbsolutePath().normalize();
            if (!java.nio.file.Files.exists(file) && !create) {
                throw new ClientFailure(ExitCodes.INVALID_INPUT, "no Macaque database at " + file + " (database.url " + url
                        + "); run this where the server keeps its data, pass --config, go through a running server with "
                        + "--server URL, or pass --create-database to create an empty one");
            }
            spec.commandLine().getErr().println("Using the embedded database " + file);
        } else {
            spec.commandLine().getErr().println("Using the database " + url);
        }
        return Database.open(config.database());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List API tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        ConfigOptions configOptions;

        @Mixin
        ClientOptions client;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            java.io.PrintWriter out = spec.commandLine().getOut();
            if (client.serverGiven()) {
                out.printf("%-22s %-20s %-9s %-25s %s%n", "ID", "NAME", "ROLE", "CREATED", "STATUS");
                for (com.fasterxml.jackson.databind.JsonNode token : client.client().get("/api/v1/tokens").path("items")) {
                    out.printf("%-22s %-20s %-9s %-25s %s%n", token.path("id").asText(), token.path("name").asText(),
                            token.path("role").asText(), token.path("createdAt").asText(),
                            token.path("revokedAt").isTextual() ? "revoked " + token.path("revokedAt").asText() : "active");
                }
                out.flush();
                return 0;
            }
            try (Database database = open(configOptions, false, spec)) {
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

        @Mixin
        ClientOptions client;

        @CommandLine.Parameters(paramLabel = "ID", description = "The token's id, as 'macaque token list' shows it.")
        String id;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (client.serverGiven()) {
                client.client().delete("/api/v1/tokens/" + ExperimentsCommand.encode(id));
                spec.commandLine().getOut().println("Revoked token " + id);
                return 0;
            }
            try (Database database = open(configOptions, false, spec)) {
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
