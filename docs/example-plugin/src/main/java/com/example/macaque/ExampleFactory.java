package com.example.macaque;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Entry point of the {@code example} plugin, listed in {@code META-INF/services/dev.macaque.spi.ProviderFactory}.
 * Stateless and cheap: the server builds every factory it finds at start, configured or not.
 */
public final class ExampleFactory implements ProviderFactory {
    static final String ENDPOINT = "endpoint";
    static final String REQUEST_TIMEOUT = "requestTimeout";

    @Override
    public String type() {
        return "example";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT; // a constant: javac freezes the version this plugin is built against
    }

    @Override
    public String description() {
        return "Example cloud: VM groups behind a small HTTP API";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(
                ConfigKey.required(ENDPOINT, "base URL of the example cloud's API, e.g. https://api.example.com"),
                ConfigKey.optional(REQUEST_TIMEOUT, "upper bound of one API call, in seconds, e.g. 10s", "10s"));
    }

    /**
     * The server has already refused unknown keys and a missing {@code endpoint}; what is left to check is that the
     * values make sense. Every problem is an INVALID_REQUEST naming the key and the value.
     */
    @Override
    public CloudProvider create(ProviderContext context) {
        String endpoint = context.requiredConfigValue(ENDPOINT);
        URI uri;
        try {
            uri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
        } catch (IllegalArgumentException e) {
            throw invalid(context, ENDPOINT, endpoint, "not a URL");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw invalid(context, ENDPOINT, endpoint, "must start with http:// or https://");
        }
        String timeout = context.configValue(REQUEST_TIMEOUT).orElse("10s");
        Duration requestTimeout;
        try {
            long seconds = Long.parseLong(timeout.endsWith("s") ? timeout.substring(0, timeout.length() - 1) : timeout);
            if (seconds < 1 || seconds > 300) {
                throw new NumberFormatException();
            }
            requestTimeout = Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            throw invalid(context, REQUEST_TIMEOUT, timeout, "expected 1s to 300s");
        }
        return new ExampleProvider(context.instanceId(), uri, requestTimeout, context.logger(), context.callGate());
    }

    private static ProviderException invalid(ProviderContext context, String key, String value, String why) {
        return new ProviderException(ProviderException.Kind.INVALID_REQUEST, "provider '" + context.instanceId()
                + "': " + key + " '" + value + "': " + why);
    }
}
