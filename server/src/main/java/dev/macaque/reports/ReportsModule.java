package dev.macaque.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.audit.AuditLog;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunHistory;
import dev.macaque.http.RouteGroup;
import dev.macaque.node.NodeIdentity;
import dev.macaque.notify.WebhookDeliveries;
import dev.macaque.notify.WebhookNotifier;
import dev.macaque.scorecard.Scorecards;
import java.time.Clock;

/** Run reports and weekly reports: their routes, and the weekly post to the webhooks. */
public final class ReportsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ReportRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(ReportRoutes.class);
    }

    @Provides
    @Singleton
    RunReports runReports(ExperimentService experiments, AuditLog audit, ObjectMapper json, Clock clock) {
        return new RunReports(experiments, audit, json, clock);
    }

    @Provides
    @Singleton
    WeeklyReports weeklyReports(RunHistory history, Scorecards scorecards) {
        return new WeeklyReports(history, scorecards);
    }

    @Provides
    @Singleton
    ReportPages reportPages(DashboardPages pages) {
        return new ReportPages(pages.renderer());
    }

    @Provides
    @Singleton
    WeeklyReportPoster weeklyPoster(MacaqueConfig config, WeeklyReports reports, WebhookNotifier notifier, WebhookDeliveries claims,
            NodeIdentity node) {
        return new WeeklyReportPoster(config.notifications().weeklyReport(), reports, notifier, claims, node.nodeId());
    }
}
