package dev.macaque.spi;

import java.util.List;
import java.util.Objects;

/**
 * What {@link CloudProvider#listAndDescribeGroups} read: every group the listing returned, and the ones the caller
 * asked to read, with their members. Since SPI 1.2.
 *
 * @param listed    every group matching the filter, as {@link CloudProvider#listGroups} returns them
 * @param described the listed groups the caller's predicate accepted, read with their members
 */
public record ListedGroups(List<GroupSummary> listed, DescribedGroups described) {
    public ListedGroups {
        listed = List.copyOf(listed);
        Objects.requireNonNull(described, "described");
    }
}
