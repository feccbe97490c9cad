package dev.macaque.cli;

import java.net.URI;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --server URL} and {@code --token TOKEN} of the commands that talk to a running server. Their environment
 * fallbacks, {@value #SERVER_ENV} and {@value #TOKEN_ENV}, are reserved in the configuration loader so that they
 * never collide with the {@code MACAQUE_*} configuration overrides.
 */
public final class ClientOptions {
    public static final String SERVER_ENV = "MACAQUE_CLI_SERVER";
    public static final String TOKEN_ENV = "MACAQUE_CLI_TOKEN";
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    /** The environment the fallbacks are read from; tests replace it. */
    static Map<String, String> environment = System.getenv();

    @Option(names = "--server", paramLabel = "URL",
            description = "Server to talk to (default: $" + SERVER_ENV + ", else " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", description = "API token (default: $" + TOKEN_ENV + ").")
    String token;

    /** Whether a server was asked for explicitly, by option or environment. */
    boolean serverGiven() {
        return server != null || environment.get(SERVER_ENV) != null;
    }

    ApiClient client() {
        String url = server != null ? server : environment.getOrDefault(SERVER_ENV, DEFAULT_SERVER);
        String secret = token != null ? token : environment.get(TOKEN_ENV);
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, "--server: '" + url + "' is not a URL: " + e.getMessage());
        }
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https")) || base.getHost() == null) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, "--server: '" + url + "' is not an http(s) URL such as " + DEFAULT_SERVER);
        }
        if (secret == null || secret.isBlank()) {
            throw new ClientFailure(ExitCodes.INVALID_INPUT, "no API token: pass --token TOKEN or set " + TOKEN_ENV);
        }
        return new ApiClient(base, secret);
    }
}
