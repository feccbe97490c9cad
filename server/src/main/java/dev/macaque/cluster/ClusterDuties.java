package dev.macaque.cluster;

import dev.macaque.node.NodeIdentity;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunStore;
import dev.macaque.killswitch.KillSwitchState;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.notify.Notification;
import dev.macaque.notify.event.NotificationType;
import dev.macaque.notify.WebhookDeliveries;
import dev.macaque.notify.WebhookNotifier;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every node does on each poll: renew the leases of the runs it drives (and stop those it lost), abort the runs
 * it drives that an abort was requested for through another node, close runs
 * whose node stopped renewing (exactly one node closes each, never repeating a committed intent), and announce a kill
 * switch change once across all nodes.
 */
public final class ClusterDuties {
    private static final Logger log = LoggerFactory.getLogger(ClusterDuties.class);

    private final ExperimentService experiments;
    private final KillSwitchStore killSwitch;
    private final WebhookNotifier notifier;
    private final WebhookDeliveries claims;
    private final NodeIdentity node;
    private final Clock clock;
    private final boolean singleProcess;
    private KillSwitchState lastSeen;

    public ClusterDuties(ExperimentService experiments, KillSwitchStore killSwitch, WebhookNotifier notifier, WebhookDeliveries claims,
            NodeIdentity node, Clock clock, boolean singleProcess) {
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.notifier = Objects.requireNonNull(notifier, "notifier is null");
        this.claims = Objects.requireNonNull(claims, "claims is null");
        this.node = Objects.requireNonNull(node, "node is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.singleProcess = singleProcess;
        killSwitch.onChange(this::announce);
    }

    /** At start: close what a previous process left (all unfinished runs when this is the only possible process). */
    public synchronized void onStart() {
        lastSeen = killSwitch.state();
        experiments.closeAbandonedRuns(singleProcess ? RunStore.Abandoned.EVERY_UNFINISHED : RunStore.Abandoned.EXPIRED_OR_MINE,
                "startup");
    }

    /** One poll; never throws (a failed poll is retried at the next one). */
    public synchronized void poll() {
        try {
            renewLeases();
            experiments.applyAbortRequests();
            experiments.closeAbandonedRuns(RunStore.Abandoned.EXPIRED, "takeover by " + node.nodeId());
            experiments.reconcileUnknownTerminations();
            announceKillSwitchChange();
        } catch (RuntimeException e) {
            log.warn("Cluster poll on node {} failed (retried at the next poll): {}", node.nodeId(), e.toString());
        }
    }

    /** Renews this node's run leases; runs whose lease was lost are aborted here. */
    public void renewLeases() {
        List<String> lost = experiments.store().renewLeases(experiments.liveRunIds(), clock.instant());
        if (!lost.isEmpty()) {
            experiments.abortLost(lost.stream().filter(experiments::isLive).toList());
        }
    }

    /** Changes made through another node, seen at a poll (that node announced them at once; the claim says so). */
    private void announceKillSwitchChange() {
        announce(killSwitch.state());
    }

    /**
     * Announces a kill-switch state once across all nodes: the claim on (time, state) lets only the first node that
     * sees it publish — normally the node that made the change, right away.
     */
    private synchronized void announce(KillSwitchState now) {
        if (lastSeen != null && Objects.equals(now.changedAt(), lastSeen.changedAt()) && now.engaged() == lastSeen.engaged()) {
            return;
        }
        lastSeen = now;
        if (now.changedAt() == null || !claims.claim("killswitch:" + now.changedAt() + ":" + now.engaged(), node.nodeId(), clock.instant())) {
            return;
        }
        Map<String, String> data = new LinkedHashMap<>();
        data.put("engaged", Boolean.toString(now.engaged()));
        data.put("changedBy", String.valueOf(now.changedBy()));
        data.put("reason", now.reason() == null ? "" : now.reason());
        String text = now.engaged()
                ? ":octagonal_sign: Macaque kill switch ENGAGED by " + now.changedBy() + (now.reason() == null ? "" : ": " + now.reason())
                : "Macaque kill switch RELEASED by " + now.changedBy();
        Map<String, Object> typed = new LinkedHashMap<>();
        typed.put("engaged", now.engaged());
        typed.put("changedBy", String.valueOf(now.changedBy()));
        if (now.reason() != null) {
            typed.put("reason", now.reason());
        }
        notifier.publish(new Notification(UUID.randomUUID().toString(), NotificationType.KILL_SWITCH, now.changedAt(), text, typed, data));
    }
}
