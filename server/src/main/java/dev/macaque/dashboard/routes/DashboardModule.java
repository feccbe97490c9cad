package dev.macaque.dashboard.routes;

import dev.macaque.dashboard.SignInPage;
import dev.macaque.dashboard.PageRenderer;
import dev.macaque.dashboard.PageAccess;
import dev.macaque.dashboard.DashboardSessions;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Assets;
import dev.macaque.dashboard.DashboardErrorPages;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Access;
import dev.macaque.auth.TokenStore;
import dev.macaque.chaosmonkey.ScheduleService;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.dashboard.audit.AuditPage;
import dev.macaque.dashboard.experiments.ExperimentPages;
import dev.macaque.dashboard.experiments.ExperimentPreviewer;
import dev.macaque.dashboard.experiments.SpecTemplates;
import dev.macaque.templates.TemplateStore;
import dev.macaque.dashboard.fleet.FleetPages;
import dev.macaque.dashboard.overview.OverviewPage;
import dev.macaque.dashboard.schedules.SchedulesPage;
import dev.macaque.dashboard.simulations.SimulationReports;
import dev.macaque.dashboard.simulations.SimulationsPage;
import dev.macaque.text.Durations;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunEventBroadcaster;
import dev.macaque.experiments.RunHistory;
import dev.macaque.experiments.RunStore;
import dev.macaque.groups.GroupDiscovery;
import dev.macaque.http.RouteGroup;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.plugin.ProviderInstances;
import java.time.Clock;
import java.util.Optional;

/**
 * The web dashboard served at {@code /}: sign-in sessions, pages over the API's services, and its static files. The
 * target-preview service binds {@link ExperimentPreviewer} through {@code OptionalBinder} to add Preview.
 */
public final class DashboardModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ServicePreviewer.class).in(com.google.inject.Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), ExperimentPreviewer.class).setDefault().to(ServicePreviewer.class);
        bind(DashboardRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(DashboardRoutes.class);
        bind(dev.macaque.dashboard.fleet.ZonesPage.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(dev.macaque.dashboard.fleet.ZonesPage.class);
        OptionalBinder.newOptionalBinder(binder(), dev.macaque.http.ErrorPages.class).setBinding().to(DashboardErrorPages.class);
    }

    @Provides
    @Singleton
    DashboardErrorPages errorPages(DashboardPages pages, PageAccess access) {
        return new DashboardErrorPages(pages, access);
    }

    @Provides
    @Singleton
    DashboardSessions sessions(MacaqueConfig config, Clock clock) {
        return new DashboardSessions(clock, Durations.parse(config.dashboard().sessionTimeout()));
    }

    @Provides
    @Singleton
    PageAccess pageAccess(DashboardSessions sessions, TokenStore tokens, Access access, AuditLog audit) {
        return new PageAccess(sessions, tokens, access, audit);
    }

    @Provides
    @Singleton
    DashboardPages pages(KillSwitchStore killSwitch, MacaqueConfig config) {
        return new DashboardPages(new PageRenderer(), killSwitch, new Assets(), config.mode());
    }

    @Provides
    @Singleton
    SignInPage signIn(DashboardPages pages, PageAccess access, TokenStore tokens, AuditLog audit, MacaqueConfig config, Clock clock) {
        MacaqueConfig.AuthConfig auth = config.auth();
        return new SignInPage(pages, access, tokens, audit, auth.oidc() == null ? null : new dev.macaque.auth.oidc.OidcSignIn(auth.oidc(), clock),
                auth.tokens().dashboardSignIn());
    }

    @Provides
    @Singleton
    OverviewPage overview(DashboardPages pages, KillSwitchStore killSwitch, RunStore runs, RunHistory history, GroupDiscovery discovery,
            ScheduleService schedules, AuditLog audit, Clock clock, dev.macaque.safety.StopConditionMonitor stopConditions) {
        return new OverviewPage(pages, killSwitch, runs, history, discovery, schedules, audit, clock, stopConditions);
    }

    @Provides
    @Singleton
    FleetPages fleet(DashboardPages pages, GroupDiscovery discovery, ProviderInstances providers, RunHistory history,
            ExperimentService experiments, ObjectMapper json, Clock clock) {
        return new FleetPages(pages, discovery, providers, history, experiments, json, clock);
    }

    @Provides
    @Singleton
    ExperimentPages experiments(DashboardPages pages, ExperimentService experiments, RunHistory history, ObjectMapper json,
            Optional<ExperimentPreviewer> previewer, DashboardSessions sessions, RunEventBroadcaster broadcaster, TemplateStore templates,
            Clock clock) {
        return new ExperimentPages(pages, experiments, history, json, previewer, sessions, broadcaster, new SpecTemplates(templates, json),
                clock);
    }

    @Provides
    @Singleton
    SchedulesPage schedules(DashboardPages pages, ScheduleService schedules, Clock clock, ObjectMapper json) {
        return new SchedulesPage(pages, schedules, clock, json);
    }

    @Provides
    @Singleton
    AuditPage audit(DashboardPages pages, AuditLog audit) {
        return new AuditPage(pages, audit);
    }

    @Provides
    @Singleton
    SimulationsPage simulations(DashboardPages pages, MacaqueConfig config, InstallLayout layout, ObjectMapper json,
            dev.macaque.simulations.SimulationService training) {
        return new SimulationsPage(pages, new SimulationReports(layout.resolveFromWorkingDirectory(
                config.dashboard().simulationsDirectory()), json),
                training);
    }

    /** The New-experiment page's Preview: the same preview service as {@code POST /api/v1/experiments/preview}. */
    static final class ServicePreviewer implements ExperimentPreviewer {
        private final dev.macaque.experiments.ExperimentService experiments;

        @jakarta.inject.Inject
        ServicePreviewer(dev.macaque.experiments.ExperimentService experiments) {
            this.experiments = experiments;
        }

        @Override
        public Preview preview(com.fasterxml.jackson.databind.JsonNode spec) {
            dev.macaque.experiments.PreviewView view = experiments.preview(spec);
            return new Preview(view.seed(), view.dryRun(), view.leashed(),
                    view.eligible().stream().map(e -> e.provider() + "/" + e.region() + "/" + e.group()).toList(),
                    view.excluded().stream().map(e -> new Exclusion(e.provider() + "/" + e.region() + "/" + e.group(),
                            e.reason() + ": " + e.detail() + (e.suggestion() == null ? "" : " (did you mean '" + e.suggestion() + "'?)")))
                            .toList(),
                    view.victims(), view.refusals().size());
        }
    }
}
