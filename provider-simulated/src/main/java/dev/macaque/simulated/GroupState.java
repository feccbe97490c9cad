package dev.macaque.simulated;

import dev.macaque.simulated.events.SimEvent;
import dev.macaque.simulated.random.DeterministicRandom;
import dev.macaque.simulated.scenario.GroupSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mutable state of one group; owned by its world and touched only under the world's lock.
 *
 * <p>Instance ids are not stored: an instance is its group and its number, its id {@code <name>-0001} is written when
 * asked for. Numbers are given out in launch order and never reused, so every number below {@link #nextNumber} is a
 * current member or a terminated one; that is how a terminated id is known without keeping a set of them.
 */
final class GroupState {
    final GroupLifecycle lifecycle;
    final GroupSpec spec;
    final DeterministicRandom random;
    final long replacementDelayNanos;
    final long healthCheckGraceNanos;
    final long terminationNanos;
    final long bootMinNanos;
    final long bootMaxNanos;

    /** Current members (every state but TERMINATED), in launch order, which is number (and id) order. */
    final List<InstanceState> members;
    final int[] activeInZone;
    /** Per zone, until when a zone outage keeps launches out of it; null until the group's first outage. */
    long[] zoneDownUntilNanos;

    int healthy;
    int starting;
    /** Members neither terminating nor terminated. */
    int active;
    int launchesWaiting;
    long launchBlockedUntilNanos = Long.MIN_VALUE;
    int nextNumber = 1;

    /** Services served by this group and every service depending on them, dependencies first. */
    ServiceState[] affectedServices = NO_SERVICES;
    /** Services served by this group. */
    ServiceState[] servedServices = NO_SERVICES;

    boolean episodeOpen;
    long episodeStartNanos;
    int episodeTarget;
    /** Finished recovery episodes, in order. */
    final EpisodeLog episodes = new EpisodeLog();

    /** Launch events that are not scheduled, for reuse: a group never has more than {@code desired} waiting. */
    private Launch[] idleLaunches = NO_LAUNCHES;
    private int idleLaunchCount;

    private static final Launch[] NO_LAUNCHES = {};
    private static final ServiceState[] NO_SERVICES = {};

    GroupState(GroupLifecycle lifecycle, GroupSpec spec, DeterministicRandom random) {
        this.lifecycle = lifecycle;
        this.spec = spec;
        this.random = random;
        this.replacementDelayNanos = spec.replacementDelay().toNanos();
        this.healthCheckGraceNanos = spec.healthCheckGrace().toNanos();
        this.terminationNanos = spec.terminationTime().toNanos();
        this.bootMinNanos = spec.bootTime().min().toNanos();
        this.bootMaxNanos = spec.bootTime().max().toNanos();
        this.activeInZone = new int[spec.zones().size()];
        this.members = new ArrayList<>(spec.desired());
    }

    String name() {
        return spec.name();
    }

    int nextInstanceNumber() {
        return nextNumber++;
    }

    /** The id of this group's instance number {@code number}: {@code <name>-0001}, at least four digits, ASCII. */
    String idOf(int number) {
        // One concatenation (no StringBuilder, no String.format: slow and locale-dependent); ASCII digits
        String digits = Integer.toString(number);
        return switch (digits.length()) {
            case 1 -> spec.name() + "-000" + digits;
            case 2 -> spec.name() + "-00" + digits;
            case 3 -> spec.name() + "-0" + digits;
            default -> spec.name() + "-" + digits;
        };
    }

    /** The instance number {@code id} names in this group, or -1 when it is not an id this group gives out. */
    int numberOf(String id) {
        String name = spec.name();
        if (id == null) {
            return -1;
        }
        int digits = id.length() - name.length() - 1;
        if (digits < 4 || digits > 9 || !id.startsWith(name) || id.charAt(name.length()) != '-') {
            return -1;
        }
        int number = 0;
        for (int i = name.length() + 1; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number > 0 && idOf(number).equals(id) ? number : -1;
    }

    /** The current member called {@code id}, or null. */
    InstanceState member(String id) {
        int number = numberOf(id);
        if (number < 0) {
            return null;
        }
        int low = 0;
        int high = members.size() - 1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            int n = members.get(mid).number;
            if (n < number) {
                low = mid + 1;
            } else if (n > number) {
                high = mid - 1;
            } else {
                return members.get(mid);
            }
        }
        return null;
    }

    /** Whether {@code id} names an instance of this group that reached TERMINATED. */
    boolean wasTerminated(String id) {
        int number = numberOf(id);
        return number > 0 && number < nextNumber && member(id) == null;
    }

    /** Keeps launches out of zone {@code zone} until {@code untilNanos} (or later, when already so). */
    void zoneDown(int zone, long untilNanos) {
        if (zoneDownUntilNanos == null) {
            zoneDownUntilNanos = new long[spec.zones().size()];
            Arrays.fill(zoneDownUntilNanos, Long.MIN_VALUE);
        }
        zoneDownUntilNanos[zone] = Math.max(zoneDownUntilNanos[zone], untilNanos);
    }

    boolean isZoneDown(int zone, long nowNanos) {
        return zoneDownUntilNanos != null && nowNanos < zoneDownUntilNanos[zone];
    }

    void addServedService(ServiceState service) {
        servedServices = Arrays.copyOf(servedServices, servedServices.length + 1);
        servedServices[servedServices.length - 1] = service;
    }

    void removeMember(InstanceState instance) {
        members.remove(instance);
    }

    /** A launch event that is not scheduled: a reused one, or a new one. */
    Launch idleLaunch() {
        return idleLaunchCount > 0 ? idleLaunches[--idleLaunchCount] : new Launch(this);
    }

    /** Gives back a launch event that fired and is not scheduled again. */
    void releaseLaunch(Launch launch) {
        if (idleLaunchCount == idleLaunches.length) {
            idleLaunches = Arrays.copyOf(idleLaunches, Math.max(2, idleLaunchCount * 2));
        }
        idleLaunches[idleLaunchCount++] = launch;
    }

    /** The pending launch of a replacement; re-scheduled after each failed attempt, reused after it succeeded. */
    static final class Launch extends SimEvent {
        private final GroupState group;

        Launch(GroupState group) {
            this.group = group;
        }

        @Override
        protected void fire() {
            group.lifecycle.onLaunch(group, this);
        }
    }
}
