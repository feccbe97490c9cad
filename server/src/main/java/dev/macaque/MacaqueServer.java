package dev.macaque;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Stage;
import dev.macaque.audit.api.AuditModule;
import dev.macaque.audit.RefusalAudit;
import dev.macaque.experiments.RunEventBroadcaster;
import dev.macaque.auth.AuthModule;
import dev.macaque.auth.TokenStore;
import dev.macaque.chaosmonkey.ChaosMonkeyModule;
import dev.macaque.chaosmonkey.ScheduleRunner;
import dev.macaque.chaosmonkey.ScheduleService;
import dev.macaque.cluster.ClusterDuties;
import dev.macaque.cluster.ClusterModule;
import dev.macaque.node.NodeIdentity;
import dev.macaque.cluster.Poller;
import dev.macaque.config.ConfigModule;
import dev.macaque.dashboard.routes.DashboardModule;
import dev.macaque.notify.WebhookNotifier;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.text.Durations;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.ExperimentsModule;
import dev.macaque.groups.GroupsModule;
import dev.macaque.http.HttpModule;
import dev.macaque.killswitch.KillSwitchModule;
import dev.macaque.metrics.MetricsModule;
import dev.macaque.plugin.PluginModule;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.store.Database;
import dev.macaque.store.DatabaseModule;
import java.io.PrintStream;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Macaque server: the Guice graph, the HTTP listener and the provider instances. {@link #close()} stops
 * them in reverse start order.
 */
public final class MacaqueServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MacaqueServer.class);

    private final Injector injector;
    private final Javalin http;
    private final Duration shutdownTimeout;
    private Poller poller;
    private boolean closed;

    private MacaqueServer(Injector injector, Duration shutdownTimeout) {
        this.injector = injector;
        this.http = injector.getInstance(Javalin.class);
        this.shutdownTimeout = shutdownTimeout;
    }

    /** The modules of a server over an open {@code database}; tests add or override modules through {@code extra}. */
    public static List<Module> modules(MacaqueConfig config, InstallLayout layout, Database database, Module... extra) {
        List<Module> modules = new ArrayList<>(List.of(new ConfigModule(config, layout), new DatabaseModule(database),
                new AuthModule(), new AuditModule(), new KillSwitchModule(), new MetricsModule(), new PluginModule(),
                new dev.macaque.inventory.InventoryModule(),
                new GroupsModule(), new ExperimentsModule(), new dev.macaque.templates.TemplatesModule(), new ClusterModule(),
                new ChaosMonkeyModule(), new dev.macaque.safety.StopConditionsModule(), new dev.macaque.simulations.SimulationsModule(),
                new dev.macaque.scorecard.ScorecardModule(), new dev.macaque.reports.ReportsModule(),
                new dev.macaque.zones.ZonesModule(), new HttpModule(), new DashboardModule()));
        modules.addAll(List.of(extra));
        return modules;
    }

    /**
     * Starts a server. On the first start against an empty database an admin token is created and printed once to
     * {@code out} as {@code ADMIN TOKEN: <token>} — only once the server is listening, so that a start that fails
     * (port in use, a bad plugin) never uses it up.
     *
     * @throws dev.macaque.store.StoreException when the database cannot be opened: thrown once, before anything else
     *                                          starts, naming the URL and the cause
     */
    public static MacaqueServer start(MacaqueConfig config, InstallLayout layout, Module... extra) {
        return start(config, layout, System.out, extra);
    }

    public static MacaqueServer start(MacaqueConfig config, InstallLayout layout, PrintStream out, Module... extra) {
        // Opened once, here: a database that cannot be opened is one error, not one per singleton that needs it.
        Database database = Database.open(config.database());
        MacaqueServer server = null;
        try {
            Injector injector = Guice.createInjector(Stage.PRODUCTION, binder -> {
                binder.requireExplicitBindings();
                binder.disableCircularProxies();
                modules(config, layout, database, extra).forEach(binder::install);
            });
            injector.getInstance(ClusterDuties.class).onStart();
            injector.getInstance(ScheduleService.class).seedFromConfig(config.schedules());
            server = new MacaqueServer(injector, Durations.parse(config.server().shutdownTimeout()));
            server.http.start();
            NodeIdentity node = injector.getInstance(NodeIdentity.class);
            ScheduleRunner schedules = injector.getInstance(ScheduleRunner.class);
            java.time.Clock clock = injector.getInstance(java.time.Clock.class);
            RefusalAudit refusals = injector.getInstance(RefusalAudit.class);
            server.poller = new Poller(node.pollInterval(), List.of(injector.getInstance(ClusterDuties.class)::poll,
                    () -> schedules.tick(clock.instant()), () -> refusals.flush(false),
                    injector.getInstance(dev.macaque.reports.WeeklyReportPoster.class)::tick));
            injector.getInstance(TokenStore.class).bootstrapAdmin().ifPresent(admin -> {
                out.println("ADMIN TOKEN: " + admin.secret());
                out.flush();
                log.warn("Created the first admin token and printed it once on standard output; store it now, it is never shown again");
            });
            log.info("Macaque listening on http://{}:{} (mode: {})", config.server().host(), server.port(),
                    config.mode().name().toLowerCase(java.util.Locale.ROOT));
            return server;
        } catch (RuntimeException e) {
            if (server != null) {
                server.closeQuietly();
            } else {
                database.close();
            }
            throw e;
        }
    }

    /** Stops what a failed start had started; the start's own error is what gets reported. */
    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.debug("Cleaning up after a failed start", e);
        }
    }

    public int port() {
        return http.port();
    }

    public Injector injector() {
        return injector;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("Stopping Macaque (allowing {} for in-flight requests)", shutdownTimeout);
        // live event streams first: they would otherwise hold the graceful stop for its whole timeout
        injector.getInstance(RunEventBroadcaster.class).close();
        http.jettyServer().server().setStopTimeout(shutdownTimeout.toMillis());
        try {
            http.stop();
        } catch (RuntimeException e) {
            // Jetty reports a graceful-stop timeout (e.g. idle keep-alive connections) after it has stopped anyway.
            log.warn("HTTP server did not stop gracefully within {}: {}", shutdownTimeout, e.getMessage());
        }
        if (poller != null) {
            poller.close();
        }
        injector.getInstance(ExperimentService.class).close();
        injector.getInstance(dev.macaque.safety.StopConditionMonitor.class).close();
        try {
            injector.getInstance(RefusalAudit.class).flush(true);
        } catch (RuntimeException e) {
            log.warn("Could not write the last refused-call counts to the audit trail: {}", e.getMessage());
        }
        injector.getInstance(WebhookNotifier.class).close();
        injector.getInstance(dev.macaque.plugin.ProviderReachability.class).close();
        injector.getInstance(dev.macaque.inventory.FleetInventory.class).close();
        injector.getInstance(ProviderInstances.class).close();
        injector.getInstance(Database.class).close();
        log.info("Macaque stopped");
    }
}
