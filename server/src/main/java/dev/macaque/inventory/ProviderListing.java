package dev.macaque.inventory;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every group one provider instance listed, at one moment.
 *
 * @param provider    the provider instance id
 * @param groups      the groups, in the provider's order (region, then name)
 * @param observedAt  when the listing was read
 * @param unreachable parts of the cloud the listing could not read (their groups are missing here)
 */
public record ProviderListing(String provider, List<GroupSummary> groups, Instant observedAt, List<String> unreachable) {
    public ProviderListing {
        groups = List.copyOf(groups);
        unreachable = List.copyOf(unreachable);
    }

    Map<GroupRef, GroupSummary> byRef() {
        Map<GroupRef, GroupSummary> byRef = new LinkedHashMap<>();
        groups.forEach(g -> byRef.put(g.ref(), g));
        return byRef;
    }
}
