package dev.macaque.dashboard.routes;

import dev.macaque.dashboard.SignInPage;
import dev.macaque.dashboard.PageAccess;
import dev.macaque.dashboard.Frame;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.auth.Role;
import dev.macaque.dashboard.audit.AuditPage;
import dev.macaque.dashboard.experiments.ExperimentPages;
import dev.macaque.dashboard.fleet.FleetPages;
import dev.macaque.dashboard.overview.OverviewPage;
import dev.macaque.dashboard.schedules.SchedulesPage;
import dev.macaque.dashboard.simulations.SimulationsPage;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * The dashboard's routes. Pages are outside {@code /api/v1} and not in the OpenAPI document; every page reads from
 * the services the API uses, every action needs the role its API call needs ({@link PageAccess}).
 */
public final class DashboardRoutes implements RouteGroup {
    private final PageAccess access;
    private final DashboardPages pages;
    private final SignInPage signIn;
    private final OverviewPage overview;
    private final FleetPages fleet;
    private final ExperimentPages experiments;
    private final SchedulesPage schedules;
    private final AuditPage audit;
    private final SimulationsPage simulations;

    @Inject
    public DashboardRoutes(PageAccess access, DashboardPages pages, SignInPage signIn, OverviewPage overview, FleetPages fleet,
            ExperimentPages experiments, SchedulesPage schedules, AuditPage audit, SimulationsPage simulations) {
        this.access = Objects.requireNonNull(access, "access is null");
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.signIn = Objects.requireNonNull(signIn, "signIn is null");
        this.overview = Objects.requireNonNull(overview, "overview is null");
        this.fleet = Objects.requireNonNull(fleet, "fleet is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.schedules = Objects.requireNonNull(schedules, "schedules is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.simulations = Objects.requireNonNull(simulations, "simulations is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        pages.assets().addTo(routes);
        routes.get("/sign-in", signIn::show);
        routes.post("/sign-in", signIn::signIn);
        routes.get("/sign-in/oidc", signIn::startSso);
        routes.get("/sign-in/oidc/callback", signIn::finishSso);
        routes.post("/sign-out", access.action(Role.VIEWER, signIn::signOut));
        routes.get("/docs", ctx -> pages.render(ctx, 200, "docs.jte", pages.publicFrame(ctx, "API reference", Frame.Section.DOCS), ""));

        routes.get("/", access.page(overview::show));
        routes.post("/killswitch/engage", access.action(Role.OPERATOR, overview::engage));
        routes.post("/killswitch/release", access.action(Role.ADMIN, access.unscoped("releasing the kill switch", overview::release)));

        routes.get("/fleet", access.page(fleet::fleet));
        routes.get("/fleet/{provider}/{region}/{name}", access.page(fleet::group));

        routes.get("/experiments", access.page(experiments::history));
        routes.get("/experiments/new", access.page(access.require(Role.OPERATOR, experiments::newForm)));
        routes.post("/experiments/new", access.action(Role.OPERATOR, experiments::submit));
        routes.get("/experiments/{id}", access.page(experiments::run));
        routes.get("/experiments/{id}/live", access.stream(experiments::live));
        routes.post("/experiments/{id}/abort", access.action(Role.OPERATOR, experiments::abort));

        routes.get("/schedules", access.page(schedules::show));
        routes.get("/schedules/new", access.page(access.require(Role.OPERATOR, schedules::newForm)));
        routes.post("/schedules/new", access.action(Role.OPERATOR, schedules::create));
        routes.get("/schedules/{id}/edit", access.page(access.require(Role.OPERATOR, schedules::editForm)));
        routes.post("/schedules/{id}/edit", access.action(Role.OPERATOR, schedules::update));
        routes.post("/schedules/{id}/enable", access.action(Role.OPERATOR, schedules::enable));
        routes.post("/schedules/{id}/disable", access.action(Role.OPERATOR, schedules::disable));
        routes.get("/audit", access.page(audit::show));
        routes.get("/simulations", access.page(simulations::list));
        routes.get("/simulations/{id}", access.page(simulations::report));
        routes.get("/simulations/{id}/report.html", access.page(simulations::html));
        routes.get("/simulations/server/{id}", access.page(simulations::training));
        routes.get("/simulations/server/{id}/report.html", access.page(simulations::trainingHtml));
    }
}
