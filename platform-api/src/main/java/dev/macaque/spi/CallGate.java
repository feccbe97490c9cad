package dev.macaque.spi;

/**
 * Admits a provider instance's HTTP requests to its cloud within the instance's call budget. Since SPI 1.4.
 *
 * <p>One SPI call may cost many requests (a listing's pages, a long-running operation's polls, the SDK's own
 * retries), so a budget counted per SPI call does not hold where the cloud counts: at its endpoint. A provider that
 * calls {@link #acquire} before <em>every</em> HTTP request it sends to the cloud (each page, each retry attempt, each
 * poll) lets the server count what the cloud counts; it then says so with {@link CloudProvider#gatesEachRequest()},
 * and the server stops taking a permit per SPI call. Requests to the identity provider for tokens, which have their
 * own quotas, need not pass the gate.
 *
 * <p>Implemented by the server and handed out through {@link ProviderContext#callGate()}; thread-safe.
 */
@FunctionalInterface
public interface CallGate {

    /** A gate that admits every request at once: what {@link ProviderContext#callGate()} gives by default. */
    CallGate OPEN = operation -> {
    };

    /**
     * Blocks until the instance's budget allows one more request to the cloud.
     *
     * @param operation what the request is for, e.g. {@code DescribeAutoScalingGroups} or {@code GET virtualMachineScaleSets};
     *                  used in messages, never as a metric label
     * @throws ProviderException of kind {@link ProviderException.Kind#THROTTLED} when no permit came within the server's
     *                           wait (the request must then not be sent), or when the waiting thread was interrupted
     */
    void acquire(String operation);
}
