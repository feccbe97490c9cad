package dev.macaque.inventory;

import java.time.Instant;

/**
 * How current one provider instance's inventory is.
 *
 * @param provider    the provider instance id
 * @param observedAt  when its groups were last listed, or null when never
 * @param staleReason why the last refresh failed (the cloud's error), or null when it succeeded
 */
public record InventoryStatus(String provider, Instant observedAt, String staleReason) {
    /** The last refresh failed: what is shown is older than the refresh interval. */
    public boolean stale() {
        return staleReason != null;
    }

    /** {@code UP}, or {@code STALE: <reason>}: the readiness check's text. */
    public String text() {
        if (staleReason == null) {
            return "UP";
        }
        return "STALE: " + (observedAt == null ? "never listed" : "listed at " + observedAt) + "; last refresh failed: " + staleReason;
    }
}
