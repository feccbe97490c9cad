package dev.macaque.spi;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A VM group with its current members.
 *
 * @param summary   identity, desired capacity and tags
 * @param instances current members (including ones pending or terminating), ordered by id
 */
public record VmGroup(GroupSummary summary, List<Instance> instances) {

    public VmGroup {
        Objects.requireNonNull(summary, "summary");
        instances = instances.stream().sorted(Comparator.comparing(Instance::id)).toList();
    }

    public GroupRef ref() {
        return summary.ref();
    }

    public int desiredCapacity() {
        return summary.desiredCapacity();
    }

    public Map<String, String> tags() {
        return summary.tags();
    }

    /** Members that are in service and healthy: the ones a kill may take and recovery must restore. */
    public List<Instance> healthyInService() {
        return instances.stream().filter(Instance::isHealthyInService).toList();
    }
}
