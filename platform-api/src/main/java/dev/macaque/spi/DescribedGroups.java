package dev.macaque.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link CloudProvider#describeGroups(List)} read: the groups found, the ones that were not, and the parts of
 * the cloud that could not be read at all. Since SPI 1.1.
 *
 * @param groups      the groups found, in the order they were asked for
 * @param notFound    each group asked for that does not exist (or is outside this provider instance), with why
 * @param unreachable parts of the cloud the read could not reach (a GCP zone, an Azure subscription), each with
 *                    the cloud's reason; the groups there are in neither list above. Empty when everything answered.
 */
public record DescribedGroups(List<VmGroup> groups, Map<GroupRef, String> notFound, List<String> unreachable) {

    public DescribedGroups {
        groups = List.copyOf(groups);
        notFound = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(notFound, "notFound")));
        unreachable = List.copyOf(unreachable);
    }

    /**
     * Reads {@code refs} one {@link CloudProvider#describeGroup(GroupRef)} at a time, the way every provider built
     * for SPI 1.0 is read: a group that is {@link ProviderException.Kind#NOT_FOUND} goes to {@link #notFound()}, any
     * other failure is thrown.
     */
    public static DescribedGroups oneByOne(CloudProvider provider, List<GroupRef> refs) {
        List<VmGroup> found = new ArrayList<>(refs.size());
        Map<GroupRef, String> missing = new LinkedHashMap<>();
        for (GroupRef ref : refs) {
            try {
                found.add(provider.describeGroup(ref));
            } catch (ProviderException e) {
                if (e.kind() != ProviderException.Kind.NOT_FOUND) {
                    throw e;
                }
                missing.put(ref, String.valueOf(e.getMessage()));
            }
        }
        return new DescribedGroups(found, missing, List.of());
    }
}
