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
     * This instance's configuration, flattened: nested keys are joined with dots and lists with commas
     * ({@code regions: [us-east-1, eu-west-1]} becomes {@code regions=us-east-1,eu-west-1}).
     */
    Map<String, String> config();

    /** The clock to use for every timestamp; simulated and test worlds replace it. Never use the system clock directly. */
    Clock clock();

    /** Logger for this instance; routed to the server's logging. Never log secrets. */
    System.Logger logger();

    /** Convenience: one configuration value. */
    default Optional<String> configValue(String key) {
        return Optional.ofNullable(config().get(key));
    }
}
