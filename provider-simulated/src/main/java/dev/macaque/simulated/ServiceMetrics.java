package dev.macaque.simulated;

/**
 * A service's exact request totals over a run.
 *
 * @param service           the service's name
 * @param offeredRequests   integral of the offered load (requests)
 * @param servedRequests    integral of load × success ratio (requests)
 */
public record ServiceMetrics(String service, double offeredRequests, double servedRequests) {

    /** Served ÷ offered in percent; 100 when nothing was offered. */
    public double availabilityPercent() {
        return offeredRequests == 0 ? 100.0 : 100.0 * servedRequests / offeredRequests;
    }
}
