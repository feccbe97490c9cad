package dev.macaque.engine;

import dev.macaque.engine.RunStep.GroupNotRecovered;
import dev.macaque.engine.RunStep.GroupRecovered;
import dev.macaque.engine.RunStep.HealthCheckFailed;
import dev.macaque.engine.RunStep.HealthChecked;
import dev.macaque.engine.RunStep.VerificationStarted;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.text.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's recovery verification: the groups it killed in, each polled with {@code health} every
 * {@code pollInterval} (and once exactly at each deadline) until it is back to its pre-kill healthy count or its
 * {@code recovery.timeout} has passed.
 */
final class RecoveryWatch {
    private final ExperimentSpec spec;
    private final TaskScheduler scheduler;
    private final Object lock;
    private final RunJournal journal;
    private final RunControl run;
    private final CandidateDiscovery discovery;
    /** Called under the lock once no group is left to verify. */
    private final Runnable allSettled;
    private final Map<GroupRef, GroupRecovery> recoveries = new LinkedHashMap<>();

    RecoveryWatch(ExperimentSpec spec, TaskScheduler scheduler, Object lock, RunJournal journal, RunControl run,
                  CandidateDiscovery discovery, Runnable allSettled) {
        this.spec = spec;
        this.scheduler = scheduler;
        this.lock = lock;
        this.journal = journal;
        this.run = run;
        this.discovery = discovery;
        this.allSettled = allSettled;
    }

    /** Every group's recovery so far, in the order of the run's first kill in it. Called under the lock. */
    Collection<GroupRecovery> all() {
        return recoveries.values();
    }

    List<GroupRecovery> snapshot() {
        return new ArrayList<>(recoveries.values());
    }

    /** The run's first termination in {@code group} returned: it is to be verified (or is SKIPPED). Under the lock. */
    void firstTerminationReturned(GroupRef group, FleetGroup fleetGroup, boolean killed, boolean verify, Instant now) {
        if (!recoveries.containsKey(group)) {
            String why = !killed ? "dry run: nothing was terminated"
                    : verify ? "" : "not verified: the run ended before this termination returned";
            recoveries.put(group, new GroupRecovery(group,
                    verify ? RecoveryStatus.PENDING : RecoveryStatus.SKIPPED, fleetGroup.healthyCount(), -1, now, null, why));
        }
    }

    /** Called under the lock once every victim was handled and the run is VERIFYING. */
    void start() {
        journal.record(new VerificationStarted(unverified(), spec.recovery().timeout(), spec.recovery().pollInterval()));
        scheduleNextPoll();
    }

    List<GroupRef> unverified() {
        return recoveries.values().stream().filter(r -> r.status() == RecoveryStatus.PENDING).map(GroupRecovery::group).toList();
    }

    private void scheduleNextPoll() {
        Instant now = scheduler.now();
        Instant earliestDeadline = recoveries.values().stream().filter(r -> r.status() == RecoveryStatus.PENDING)
                .map(r -> r.firstKillAt().plus(spec.recovery().timeout())).min(Comparator.naturalOrder()).orElseThrow();
        Duration untilDeadline = Duration.between(now, earliestDeadline);
        Duration delay = untilDeadline.compareTo(spec.recovery().pollInterval()) < 0 ? untilDeadline : spec.recovery().pollInterval();
        run.schedule(delay.isNegative() ? Duration.ZERO : delay, this::poll);
    }

    private void poll() {
        List<GroupRef> groups;
        synchronized (lock) {
            if (run.state() != RunState.VERIFYING) {
                return;
            }
            groups = unverified();
        }
        for (GroupRef ref : groups) {
            CloudProvider provider = discovery.provider(ref.provider());
            GroupHealth health = null;
            String error = null;
            try {
                health = provider.health(ref);
            } catch (ProviderException e) {
                error = e.kind().name() + ": " + e.getMessage();
            } catch (RuntimeException e) {
                error = "UNEXPECTED: " + e;
            }
            synchronized (lock) {
                if (run.state() != RunState.VERIFYING) {
                    return;
                }
                settle(ref, health, error);
            }
        }
        synchronized (lock) {
            if (run.state() != RunState.VERIFYING) {
                return;
            }
            if (unverified().isEmpty()) {
                allSettled.run();
            } else {
                scheduleNextPoll();
            }
        }
    }

    private void settle(GroupRef ref, GroupHealth health, String error) {
        GroupRecovery current = recoveries.get(ref);
        Instant now = scheduler.now();
        int lastHealthy = current.lastHealthy();
        String detail = current.detail();
        if (health != null) {
            lastHealthy = health.healthyInService();
            journal.record(new HealthChecked(ref, lastHealthy, health.desiredCapacity(), current.preKillHealthy()));
            if (lastHealthy >= current.preKillHealthy()) {
                Duration took = Duration.between(current.firstKillAt(), now);
                recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.RECOVERED, current.preKillHealthy(), lastHealthy,
                        current.firstKillAt(), took, "back to " + lastHealthy + " healthy in service"));
                journal.record(new GroupRecovered(ref, took, lastHealthy));
                return;
            }
        } else {
            detail = "last health read failed: " + error;
            journal.record(new HealthCheckFailed(ref, error));
        }
        Instant deadline = current.firstKillAt().plus(spec.recovery().timeout());
        if (!now.isBefore(deadline)) {
            String finding = "not back to " + current.preKillHealthy() + " healthy in service within "
                    + Durations.format(spec.recovery().timeout()) + " (last read: "
                    + (lastHealthy < 0 ? "none" : Integer.toString(lastHealthy)) + ")"
                    + (health == null ? "; " + detail : "");
            recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.NOT_RECOVERED, current.preKillHealthy(), lastHealthy,
                    current.firstKillAt(), null, finding));
            journal.record(new GroupNotRecovered(ref, spec.recovery().timeout(), lastHealthy, current.preKillHealthy()));
        } else {
            recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.PENDING, current.preKillHealthy(), lastHealthy,
                    current.firstKillAt(), null, health == null ? detail : ""));
        }
    }

    void skipUnverified(String why) {
        for (GroupRef ref : unverified()) {
            GroupRecovery current = recoveries.get(ref);
            recoveries.put(ref, new GroupRecovery(ref, RecoveryStatus.SKIPPED, current.preKillHealthy(), current.lastHealthy(),
                    current.firstKillAt(), null, "not verified: " + why));
        }
    }
}
