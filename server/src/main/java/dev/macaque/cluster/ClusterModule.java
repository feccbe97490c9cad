package dev.macaque.cluster;

import dev.macaque.node.NodeIdentity;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.text.Durations;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.notify.WebhookDeliveries;
import dev.macaque.notify.WebhookNotifier;
import dev.macaque.store.Database;
import java.time.Clock;
import java.util.concurrent.Executors;

/** This node's identity, the webhooks, and the background work that keeps runs owned by exactly one live node. */
public final class ClusterModule extends AbstractModule {
    @Provides
    @Singleton
    NodeIdentity node(MacaqueConfig config) {
        return NodeIdentity.of(config.cluster());
    }

    @Provides
    @Singleton
    WebhookDeliveries deliveries(Database database) {
        return new WebhookDeliveries(database);
    }

    @Provides
    @Singleton
    WebhookNotifier notifier(MacaqueConfig config, WebhookDeliveries deliveries, ObjectMapper json, Clock clock, NodeIdentity node) {
        MacaqueConfig.NotificationsConfig settings = config.notifications();
        return new WebhookNotifier(settings.webhooks(), settings.maxAttempts(), Durations.parse(settings.initialBackoff()), deliveries,
                json, clock, Executors.newSingleThreadScheduledExecutor(task -> {
                    Thread thread = new Thread(task, "macaque-webhooks");
                    thread.setDaemon(true);
                    return thread;
                }), node.nodeId());
    }

    @Provides
    @Singleton
    ClusterDuties duties(ExperimentService experiments, KillSwitchStore killSwitch, WebhookNotifier notifier,
            WebhookDeliveries deliveries, Database database, NodeIdentity node, Clock clock) {
        return new ClusterDuties(experiments, killSwitch, notifier, deliveries, node, clock, !database.isPostgres());
    }
}
