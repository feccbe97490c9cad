package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.util.Objects;

/** One instance chosen to be killed. */
public record Victim(GroupRef group, String instanceId) {
    public Victim {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(instanceId, "instanceId");
    }

    @Override
    public String toString() {
        return group + "/" + instanceId;
    }
}
