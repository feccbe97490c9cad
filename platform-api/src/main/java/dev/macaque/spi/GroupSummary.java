package dev.macaque.spi;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A VM group as listed: identity, desired capacity and tags, without instances.
 *
 * @param ref             the group's identity
 * @param desiredCapacity how many instances the group keeps
 * @param tags            tags or labels as the cloud reports them (sorted by key)
 */
public record GroupSummary(GroupRef ref, int desiredCapacity, Map<String, String> tags) {

    public GroupSummary {
        Objects.requireNonNull(ref, "ref");
        if (desiredCapacity < 0) {
            throw new IllegalArgumentException("desiredCapacity must be >= 0, was " + desiredCapacity);
        }
        tags = java.util.Collections.unmodifiableMap(new TreeMap<>(tags));
    }

    /** Whether the group opted in to chaos ({@code macaque-enabled=true}). */
    public boolean optedIn() {
        return OptIn.isEnabled(tags);
    }
}
