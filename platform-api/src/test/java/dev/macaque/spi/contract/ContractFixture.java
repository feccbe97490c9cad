package dev.macaque.spi.contract;

import dev.macaque.spi.GroupRef;
import java.util.Objects;

/**
 * What the world behind a provider under contract test looks like when each test starts.
 *
 * @param optedIn           a group tagged {@code macaque-enabled=true} and {@code tagKey=tagValue}, with at least two
 *                          members, all in service and healthy, at desired capacity
 * @param notOptedIn        a group of the same provider without {@code macaque-enabled=true} and without
 *                          {@code tagKey=tagValue}, with at least one member
 * @param tagKey            a tag only {@code optedIn} carries
 * @param tagValue          its value
 * @param unknownInstanceId an instance id in the cloud's format that belongs to no group
 */
public record ContractFixture(GroupRef optedIn, GroupRef notOptedIn, String tagKey, String tagValue, String unknownInstanceId) {
    public ContractFixture {
        Objects.requireNonNull(optedIn, "optedIn");
        Objects.requireNonNull(notOptedIn, "notOptedIn");
        Objects.requireNonNull(tagKey, "tagKey");
        Objects.requireNonNull(tagValue, "tagValue");
        Objects.requireNonNull(unknownInstanceId, "unknownInstanceId");
        if (!optedIn.provider().equals(notOptedIn.provider())) {
            throw new IllegalArgumentException("both fixture groups must belong to one provider instance");
        }
    }
}
