package dev.macaque.simulated;

import dev.macaque.simulated.events.SimEvent;
import dev.macaque.simulated.random.DeterministicRandom;
import dev.macaque.simulated.scenario.GroupSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Mutable state of one group; owned by its world and touched only under the world's lock. */
final class GroupState {
    final SimulatedWorld world;
    final GroupSpec spec;
    final DeterministicRandom random;
    final long replacementDelayNanos;
    final long healthCheckGraceNanos;
    final long terminationNanos;
    final long bootMinNanos;
    final long bootMaxNanos;

    /** Current members (every state but TERMINATED), in launch order, which is id order. */
    final List<InstanceState> members = new ArrayList<>();
    /** Lookup only; never iterated. */
    final Map<String, InstanceState> membersById = new HashMap<>();
    /** Ids of members that reached TERMINATED; lookup only. */
    final Set<String> terminatedIds = new HashSet<>();
    final int[] activeInZone;

    int healthy;
    int starting;
    /** Members neither terminating nor terminated. */
    int active;
    int launchesWaiting;
    long launchBlockedUntilNanos = Long.MIN_VALUE;
    int nextNumber = 1;

    /** Services served by this group and every service depending on them, dependencies first. */
    ServiceState[] affectedServices = new ServiceState[0];
    /** Services served by this group. */
    final List<ServiceState> servedServices = new ArrayList<>();

    boolean episodeOpen;
    long episodeStartNanos;
    int episodeTarget;
    final List<RecoveryEpisode> episodes = new ArrayList<>();

    GroupState(SimulatedWorld world, GroupSpec spec, DeterministicRandom random) {
        this.world = world;
        this.spec = spec;
        this.random = random;
        this.replacementDelayNanos = spec.replacementDelay().toNanos();
        this.healthCheckGraceNanos = spec.healthCheckGrace().toNanos();
        this.terminationNanos = spec.terminationTime().toNanos();
        this.bootMinNanos = spec.bootTime().min().toNanos();
        this.bootMaxNanos = spec.bootTime().max().toNanos();
        this.activeInZone = new int[spec.zones().size()];
    }

    String name() {
        return spec.name();
    }

    String nextInstanceId() {
        // <name>-0001: at least four digits, ASCII whatever the default locale (String.format is slow on this path)
        String digits = Integer.toString(nextNumber++);
        StringBuilder id = new StringBuilder(spec.name().length() + 1 + Math.max(4, digits.length())).append(spec.name()).append('-');
        for (int pad = digits.length(); pad < 4; pad++) {
            id.append('0');
        }
        return id.append(digits).toString();
    }

    /** The pending launch of a replacement; re-scheduled after each failed attempt. */
    static final class Launch extends SimEvent {
        private final GroupState group;

        Launch(GroupState group) {
            this.group = group;
        }

        @Override
        protected void fire() {
            group.world.onLaunch(group, this);
        }
    }
}
