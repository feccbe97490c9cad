package dev.macaque.experiments;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.audit.AuditLog;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.engine.ExecutorTaskScheduler;
import dev.macaque.engine.ExperimentRunner;
import dev.macaque.engine.FleetBudgets;
import dev.macaque.engine.FleetView;
import dev.macaque.engine.IntentGuard;
import dev.macaque.engine.ProviderDirectory;
import dev.macaque.engine.RetryPolicy;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunRecorder;
import dev.macaque.engine.TargetPreview;
import dev.macaque.engine.TaskScheduler;
import dev.macaque.http.RouteGroup;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.node.NodeIdentity;
import dev.macaque.notify.RunNotifications;
import dev.macaque.notify.WebhookNotifier;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.simulations.MeasuredRecoveries;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.Database;
import dev.macaque.store.DatabaseHealth;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/** The experiment engine in real time, its durable run store, and the experiment routes. */
public final class ExperimentsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ExperimentRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(ExperimentRoutes.class);
    }

    @Provides
    @Singleton
    RunStore runStore(Database database, ObjectMapper json, NodeIdentity node, MacaqueConfig config) {
        MacaqueConfig.SafetyConfig safety = config.safety();
        return new RunStore(database, json, node.nodeId(), node.leaseDuration(), new FleetBudgets(
                safety.maxTerminationsPerHour(), safety.maxTerminationsPerDay(), safety.maxGroupsDegraded()));
    }

    @Provides
    @Singleton
    RunHistory runHistory(Database database) {
        return new RunHistory(database);
    }

    /**
     * The engine's threads, shared by every run's steps, steady-state probe ticks and recovery checks; the runner
     * bounds zone outages' parallel group calls from it ({@link ExperimentRunner}).
     */
    static final int ENGINE_THREADS = 4;

    @Provides
    @Singleton
    TaskScheduler scheduler(Clock clock) {
        AtomicInteger threads = new AtomicInteger();
        ScheduledExecutorService executor = Executors.newScheduledThreadPool(ENGINE_THREADS, task -> {
            Thread thread = new Thread(task, "macaque-engine-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        return new ExecutorTaskScheduler(executor, clock);
    }

    @Provides
    @Singleton
    ExperimentRunner runner(dev.macaque.inventory.FleetInventory inventory, TaskScheduler scheduler, RunStore store, KillSwitchStore killSwitch,
            WebhookNotifier notifier, DatabaseHealth databaseHealth, dev.macaque.engine.probe.ProbeEvaluator probes,
            dev.macaque.safety.StopConditionMonitor stopConditions, com.google.inject.Provider<ExperimentService> experiments) {
        // Discovery reads the node's inventory; the victim's group is read fresh from the cloud before each intent.
        List<CloudProvider> ready = inventory.providers();
        ProviderDirectory directory = () -> ready;
        // Webhooks hear of an event once it is on record; publishing is asynchronous and never fails the run.
        RunRecorder recorder = new RunRecorder() {
            @Override
            public void record(RunEvent event) {
                store.record(event);
                // the run's end carries its verdict: the run is terminal by now, so its view has one
                dev.macaque.engine.RunVerdict verdict = ends(event) ? experiments.get().view(event.runId())
                        .filter(v -> v.verdict() != null).map(v -> new dev.macaque.engine.RunVerdict(v.verdict(), v.verdictReason()))
                        .orElse(null) : null;
                RunNotifications.of(event, verdict).ifPresent(notifier::publish);
            }

            /** The fleet-wide decision is the store's: every run, schedule and node is decided in its transaction. */
            @Override
            public void recordIntent(RunEvent intent, IntentGuard guard) {
                store.recordIntent(intent, guard);
            }

            /** A zone outage's intents: decided and kept together in one of the store's transactions. */
            @Override
            public void recordIntents(List<GuardedIntent> intents) {
                store.recordIntents(intents);
            }

            @Override
            public java.util.Set<dev.macaque.spi.GroupRef> busyGroups(String runId) {
                return store.busyGroups(runId);
            }

            @Override
            public boolean canRecord() {
                return databaseHealth.writable();
            }
        };
        return new ExperimentRunner(directory, scheduler, recorder, killSwitch::engaged, store, RetryPolicy.DEFAULT,
                ExperimentService::drawSeed, probes, stopConditions, ENGINE_THREADS);
    }

    /** Which groups other runs act on now: none until fleet-wide safety provides it. */
    @Provides
    @Singleton
    TargetPreview.FleetState fleetState(RunStore store) {
        // groups any run is acting on or that are still recovering: what an exclusive run would find GROUP_BUSY
        return new TargetPreview.FleetState() {
            @Override
            public Set<GroupRef> busyGroups() {
                return store.busyGroups("");
            }

            @Override
            public FleetView fleet(Instant now) {
                return store.fleetCounts(now);
            }
        };
    }

    /** The preview reads the same providers, kill switch and kill history as the runner. */
    @Provides
    @Singleton
    TargetPreview targetPreview(dev.macaque.inventory.FleetInventory inventory, KillSwitchStore killSwitch, RunStore store,
            TargetPreview.FleetState fleetState) {
        List<CloudProvider> ready = inventory.providers();
        return new TargetPreview(() -> ready, killSwitch::engaged, store, fleetState);
    }

    @Provides
    @Singleton
    RunEventBroadcaster broadcaster(RunStore store, ExperimentService experiments, MacaqueConfig config) {
        return new RunEventBroadcaster(store, id -> experiments.view(id).map(RunView::state).orElse("FAILED"),
                config.limits().eventStreamsPerRun(), config.limits().eventStreams(), RunEventBroadcaster.DEFAULT_HEARTBEAT);
    }

    @Provides
    @Singleton
    ExperimentService service(RunStore store, ExperimentRunner runner, ProviderInstances providers, AuditLog audit, Clock clock,
            ObjectMapper json, MeterRegistry metrics, TargetPreview targetPreview, RunPredictor predictor) {
        return new ExperimentService(store, runner, providers, audit, clock, json, metrics, targetPreview, predictor);
    }

    /** Predictions and zone readiness read the fleet from the inventory, bounded as training simulations are. */
    @Provides
    @Singleton
    RunPredictor predictor(ProviderInstances providers, dev.macaque.inventory.FleetInventory inventory, Database database,
            MacaqueConfig config, Clock clock) {
        return new RunPredictor(providers, inventory, new MeasuredRecoveries(database), config.simulations(), clock);
    }

    /** Whether {@code event} is the last a run records (it has reached its terminal state). */
    private static boolean ends(RunEvent event) {
        return switch (event.type()) {
            case RUN_COMPLETED, RUN_FAILED, RUN_ABORTED, RUN_NOT_STEADY, RUN_HALTED -> true;
            default -> false;
        };
    }
}
