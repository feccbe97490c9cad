package dev.macaque.simulated;

import dev.macaque.simulated.eventlog.EventLog;
import dev.macaque.simulated.events.EventQueue;
import dev.macaque.simulated.events.SimEvent;
import dev.macaque.simulated.scenario.FaultSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Puts a scenario's faults into the queue: zone outages, launch capacity errors and terminations, at their instants. */
final class FaultSchedule {
    private final EventQueue queue;
    private final EventLog log;
    private final GroupLifecycle lifecycle;
    private final Map<String, GroupState> groupsByName;
    private final Map<String, List<GroupState>> groupsByRegion;

    FaultSchedule(EventQueue queue, EventLog log, GroupLifecycle lifecycle, Map<String, GroupState> groupsByName,
                  Map<String, List<GroupState>> groupsByRegion) {
        this.queue = queue;
        this.log = log;
        this.lifecycle = lifecycle;
        this.groupsByName = groupsByName;
        this.groupsByRegion = groupsByRegion;
    }

    /** Schedules {@code fault}; an unknown group is an error naming the groups there are. */
    void schedule(FaultSpec fault) {
        long at = fault.at().toNanos();
        if (fault instanceof FaultSpec.ZoneOutage outage) {
            List<GroupState> inRegion = groupsByRegion.getOrDefault(outage.region(), List.of());
            queue.schedule(new Action(() -> startZoneOutage(outage, inRegion)), at);
        } else if (fault instanceof FaultSpec.LaunchCapacityError error) {
            GroupState group = requireGroup(error.group(), "launchCapacityError");
            queue.schedule(new Action(() -> {
                group.launchBlockedUntilNanos = Math.max(group.launchBlockedUntilNanos, queue.now() + error.duration().toNanos());
                log.log("fault.launch_capacity_error.started", "group", group.name(), "seconds", error.duration().toNanos() / 1e9);
            }), at);
            queue.schedule(new Action(() -> log.log("fault.launch_capacity_error.ended", "group", group.name())),
                    at + error.duration().toNanos());
        } else if (fault instanceof FaultSpec.Termination termination) {
            GroupState group = requireGroup(termination.group(), "terminate");
            queue.schedule(new Action(() -> lifecycle.terminateRandomHealthy(group, "fault")), at);
        }
    }

    /**
     * Takes the zone down in every group of the region that uses it (their launches avoid it until the end) and
     * terminates the members there.
     */
    private void startZoneOutage(FaultSpec.ZoneOutage outage, List<GroupState> inRegion) {
        long end = queue.now() + outage.duration().toNanos();
        log.log("fault.zone_outage.started", "region", outage.region(), "zone", outage.zone(),
                "seconds", outage.duration().toNanos() / 1e9);
        for (GroupState group : inRegion) {
            int zone = group.spec.zones().indexOf(outage.zone());
            if (zone >= 0) {
                group.zoneDown(zone, end);
            }
        }
        for (GroupState group : inRegion) {
            int zone = group.spec.zones().indexOf(outage.zone());
            if (zone < 0) {
                continue;
            }
            for (InstanceState instance : new ArrayList<>(group.members)) {
                if (instance.zoneIndex == zone) {
                    lifecycle.terminate(instance, "zone-outage", null);
                }
            }
        }
        queue.schedule(new Action(() -> log.log("fault.zone_outage.ended", "region", outage.region(), "zone", outage.zone())), end);
    }

    private GroupState requireGroup(String groupName, String what) {
        GroupState group = groupsByName.get(groupName);
        if (group == null) {
            throw new IllegalArgumentException(what + " fault names group '" + groupName + "', which does not exist; groups: "
                    + new TreeSet<>(groupsByName.keySet()));
        }
        return group;
    }

    /** A fault's step at its instant. */
    private static final class Action extends SimEvent {
        private final Runnable step;

        Action(Runnable step) {
            this.step = step;
        }

        @Override
        protected void fire() {
            step.run();
        }
    }
}
