package dev.macaque.spi;

import java.util.Objects;

/**
 * A group's health, as recovery verification reads it.
 *
 * @param group            the group
 * @param desiredCapacity  how many members the group wants
 * @param healthyInService members in service and healthy
 * @param pending          members being launched or booting
 */
public record GroupHealth(GroupRef group, int desiredCapacity, int healthyInService, int pending) {

    public GroupHealth {
        Objects.requireNonNull(group, "group");
        if (desiredCapacity < 0 || healthyInService < 0 || pending < 0) {
            throw new IllegalArgumentException("counts must be >= 0: desired=" + desiredCapacity
                    + " healthy=" + healthyInService + " pending=" + pending);
        }
    }

    /** Whether every desired member is in service and healthy. */
    public boolean atDesiredCapacity() {
        return healthyInService >= desiredCapacity;
    }
}
