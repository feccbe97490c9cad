package dev.macaque.spi;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What the server gives a provider instance when it creates it.
 *
 * <p>Implemented by the server; plugins only read it. New methods are added as {@code default}s.
 */
public interface ProviderContext {

    /**
     * The configured instance id, e.g. {@code aws-prod}. It becomes {@link GroupRef#provider()} of every group
     * this instance reports.
     */
    String instanceId();

    /**
     * This instance's configuration, flattened, every value a string: nested keys are joined with dots, lists with
     * commas ({@code regions: [us-east-1, eu-west-1]} becomes {@code regions=us-east-1,eu-west-1}), YAML numbers and
     * booleans as written ({@code maxAttempts: 3} becomes {@code "3"}, {@code insecure: true} becomes {@code "true"}),
     * and a key written without a value becomes {@code ""}. The {@code type} key is not included. Keys the factory
     * does not declare in {@link ProviderFactory#configKeys()}, and missing required keys, never get here: the
     * server refuses such a configuration at start-up.
     */
    Map<String, String> config();

    /** The clock to use for every timestamp; simulated and test worlds replace it. Never use the system clock directly. */
    Clock clock();

    /** Logger for this instance; routed to the server's logging. Never log secrets. */
    System.Logger logger();

    /**
     * The gate every HTTP request of this instance to its cloud should pass, right before it is sent: each page, each
     * retry attempt of the cloud SDK, each poll of a long-running operation. Since SPI 1.4. A provider that uses it for
     * every request says so with {@link CloudProvider#gatesEachRequest()}. The default (a server older than 1.4 never
     * calls it; tests may rely on it) admits every request at once.
     */
    default CallGate callGate() {
        return CallGate.OPEN;
    }

    /** Convenience: one configuration value. */
    default Optional<String> configValue(String key) {
        return Optional.ofNullable(config().get(key));
    }

    /**
     * One configuration value that must be there and not blank, for use in {@link ProviderFactory#create}. Since
     * SPI 1.1.
     *
     * @throws ProviderException of kind {@link ProviderException.Kind#INVALID_REQUEST} naming the instance and key
     *                           when it is absent or blank
     */
    default String requiredConfigValue(String key) {
        String value = config().get(key);
        if (value == null || value.isBlank()) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "provider '" + instanceId()
                    + "': configuration key '" + key + "' is required" + (value == null ? "" : " and must not be blank"));
        }
        return value;
    }
}
