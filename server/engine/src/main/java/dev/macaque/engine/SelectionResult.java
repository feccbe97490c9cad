package dev.macaque.engine;

import java.util.List;

/**
 * What the selector chose.
 *
 * @param victims           the instances to kill, in draw order (the order the runner kills them)
 * @param eligibleGroups    how many groups were candidates (opted in, matching, valid weight, with a healthy instance)
 * @param eligibleInstances how many healthy in-service instances those groups had
 */
public record SelectionResult(List<Victim> victims, int eligibleGroups, long eligibleInstances) {
    public SelectionResult {
        victims = List.copyOf(victims);
    }
}
