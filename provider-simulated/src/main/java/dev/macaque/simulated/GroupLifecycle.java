package dev.macaque.simulated;

import dev.macaque.simulated.eventlog.EventLog;
import dev.macaque.simulated.events.EventQueue;
import dev.macaque.spi.LifecycleState;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lives of instances in their groups: launches (and their failures), boots, health-check graces, terminations,
 * replacement of lost members, and each group's recovery episodes. Every change of a group's healthy count is told
 * to {@code healthChanged} (the service graph), after the episode bookkeeping.
 */
final class GroupLifecycle {
    private final EventQueue queue;
    private final EventLog log;
    private final Consumer<GroupState> healthChanged;

    GroupLifecycle(EventQueue queue, EventLog log, Consumer<GroupState> healthChanged) {
        this.queue = queue;
        this.log = log;
        this.healthChanged = healthChanged;
    }

    /** Fills a new group to its desired capacity with healthy members, spread over its zones; logs nothing. */
    void populate(GroupState group) {
        for (int i = 0; i < group.spec.desired(); i++) {
            int zone = leastLoadedZone(group, true);
            InstanceState instance = new InstanceState(group, group.nextInstanceNumber(), zone, 0, LifecycleState.IN_SERVICE, true);
            addMember(group, instance);
            group.healthy++;
        }
    }

    /** Takes {@code instance} out of service for {@code cause}; returns false when it already was terminating or gone. */
    boolean terminate(InstanceState instance, String cause, String detail) {
        if (instance.state == LifecycleState.TERMINATING || instance.state == LifecycleState.TERMINATED) {
            return false;
        }
        GroupState group = instance.group;
        boolean wasHealthy = instance.isHealthyInService();
        if (instance.isStarting()) {
            group.starting--;
        }
        group.active--;
        group.activeInZone[instance.zoneIndex]--;
        instance.state = LifecycleState.TERMINATING;
        instance.healthy = false;
        if (log.wantsNext()) {
            String zone = group.spec.zones().get(instance.zoneIndex);
            if (detail == null) {
                log.log("instance.terminating", "group", group.name(), "instance", instance.id(), "zone", zone, "cause", cause);
            } else {
                log.log("instance.terminating", "group", group.name(), "instance", instance.id(), "zone", zone, "cause", cause,
                        "detail", detail);
            }
        }
        queue.schedule(instance, queue.now() + group.terminationNanos);
        if (wasHealthy) {
            setHealthy(group, group.healthy - 1);
        }
        replenish(group);
        return true;
    }

    /** Terminates one healthy in-service member picked with the group's random stream; null when none is healthy. */
    InstanceState terminateRandomHealthy(GroupState group, String cause) {
        if (group.healthy == 0) {
            return null;
        }
        int pick = group.random.nextInt(group.healthy);
        for (InstanceState instance : group.members) {
            if (instance.isHealthyInService() && pick-- == 0) {
                terminate(instance, cause, null);
                return instance;
            }
        }
        throw new IllegalStateException("group " + group.name() + " counts " + group.healthy + " healthy members but lists fewer");
    }

    /** The next step of {@code instance}'s life, due now: boot finished, health check passed, or termination done. */
    void onInstanceTransition(InstanceState instance) {
        GroupState group = instance.group;
        switch (instance.state) {
            case PENDING -> {
                instance.state = LifecycleState.IN_SERVICE;
                if (log.wantsNext()) {
                    log.log("instance.in_service", "group", group.name(), "instance", instance.id());
                }
                if (group.healthCheckGraceNanos > 0) {
                    queue.schedule(instance, queue.now() + group.healthCheckGraceNanos);
                } else {
                    becomeHealthy(instance);
                }
            }
            case IN_SERVICE -> becomeHealthy(instance);
            case TERMINATING -> {
                instance.state = LifecycleState.TERMINATED;
                group.removeMember(instance);
                if (log.wantsNext()) {
                    log.log("instance.terminated", "group", group.name(), "instance", instance.id());
                }
            }
            default -> throw new IllegalStateException("instance " + instance.id() + " has no transition from " + instance.state);
        }
    }

    private void becomeHealthy(InstanceState instance) {
        GroupState group = instance.group;
        instance.healthy = true;
        instance.healthySinceNanos = queue.now();
        group.starting--;
        if (log.wantsNext()) {
            log.log("instance.healthy", "group", group.name(), "instance", instance.id());
        }
        setHealthy(group, group.healthy + 1);
    }

    /** A replacement launch is due: it starts an instance, or fails and is tried again after the replacement delay. */
    void onLaunch(GroupState group, GroupState.Launch launch) {
        group.launchesWaiting--;
        if (group.active >= group.spec.desired()) {
            group.releaseLaunch(launch);
            return;
        }
        long now = queue.now();
        String failure = null;
        int zone = -1;
        if (now < group.launchBlockedUntilNanos) {
            failure = "insufficient-capacity";
        } else {
            zone = leastLoadedZone(group, false);
            if (zone < 0) {
                failure = "no-zone-available";
            } else if (group.spec.launchFailureRate() > 0 && group.random.nextDouble() < group.spec.launchFailureRate()) {
                failure = "launch-failed";
            }
        }
        if (failure != null) {
            if (log.wantsNext()) {
                log.log("launch.failed", "group", group.name(), "reason", failure);
            }
            group.launchesWaiting++;
            queue.schedule(launch, now + group.replacementDelayNanos);
            return;
        }
        group.releaseLaunch(launch);
        InstanceState instance = new InstanceState(group, group.nextInstanceNumber(), zone, now, LifecycleState.PENDING, false);
        addMember(group, instance);
        group.starting++;
        long boot = group.bootMinNanos == group.bootMaxNanos ? group.bootMinNanos
                : group.random.nextLongBetween(group.bootMinNanos, group.bootMaxNanos);
        if (log.wantsNext()) {
            log.log("instance.launched", "group", group.name(), "instance", instance.id(), "zone", group.spec.zones().get(zone),
                    "bootSeconds", boot / 1e9);
        }
        queue.schedule(instance, now + boot);
    }

    private static void addMember(GroupState group, InstanceState instance) {
        group.members.add(instance);
        group.active++;
        group.activeInZone[instance.zoneIndex]++;
    }

    /** Schedules launches so that active members plus waiting launches reach the desired capacity. */
    private void replenish(GroupState group) {
        while (group.active + group.launchesWaiting < group.spec.desired()) {
            group.launchesWaiting++;
            queue.schedule(group.idleLaunch(), queue.now() + group.replacementDelayNanos);
        }
    }

    /** The available zone with the fewest active members (first in the group's list on ties), or -1. */
    private int leastLoadedZone(GroupState group, boolean ignoreOutages) {
        int best = -1;
        List<String> zones = group.spec.zones();
        long now = queue.now();
        for (int z = 0; z < zones.size(); z++) {
            if (!ignoreOutages && group.isZoneDown(z, now)) {
                continue;
            }
            if (best < 0 || group.activeInZone[z] < group.activeInZone[best]) {
                best = z;
            }
        }
        return best;
    }

    /** Sets the healthy count, opening or closing the group's recovery episode, then updates the services it affects. */
    private void setHealthy(GroupState group, int healthy) {
        int before = group.healthy;
        group.healthy = healthy;
        long now = queue.now();
        if (healthy < before && !group.episodeOpen) {
            group.episodeOpen = true;
            group.episodeStartNanos = now;
            group.episodeTarget = before;
            if (log.wantsNext()) {
                log.log("group.degraded", "group", group.name(), "healthy", healthy, "before", before);
            }
        } else if (group.episodeOpen && healthy >= group.episodeTarget) {
            group.episodeOpen = false;
            long start = group.episodeStartNanos;
            group.episodes.add(start, now, group.episodeTarget);
            if (log.wantsNext()) {
                log.log("group.recovered", "group", group.name(), "healthy", healthy, "seconds", (now - start) / 1e9);
            }
        }
        healthChanged.accept(group);
    }
}
