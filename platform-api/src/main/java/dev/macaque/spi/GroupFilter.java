package dev.macaque.spi;

import java.util.Map;
import java.util.Set;

/**
 * Which groups {@link CloudProvider#listGroups(GroupFilter)} returns. Empty sets and maps mean "no restriction".
 *
 * @param regions only groups in one of these regions
 * @param tags    only groups carrying every one of these tags with exactly this value; providers push this
 *                filter to the cloud where the API allows it
 */
public record GroupFilter(Set<String> regions, Map<String, String> tags) {

    public static final GroupFilter ALL = new GroupFilter(Set.of(), Map.of());

    public GroupFilter {
        regions = Set.copyOf(regions);
        tags = Map.copyOf(tags);
    }

    public static GroupFilter regions(String... regions) {
        return new GroupFilter(Set.of(regions), Map.of());
    }

    public static GroupFilter tag(String key, String value) {
        return new GroupFilter(Set.of(), Map.of(key, value));
    }

    /** Whether a group in {@code region} with {@code groupTags} passes this filter. */
    public boolean matches(String region, Map<String, String> groupTags) {
        if (!regions.isEmpty() && !regions.contains(region)) {
            return false;
        }
        for (Map.Entry<String, String> wanted : tags.entrySet()) {
            if (!wanted.getValue().equals(groupTags.get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
