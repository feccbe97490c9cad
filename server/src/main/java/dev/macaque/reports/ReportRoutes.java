package dev.macaque.reports;

import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.dashboard.PageAccess;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * The reports: {@code GET /api/v1/experiments/{id}/report.html} and {@code GET /api/v1/reports/weekly?week=YYYY-Www}
 * (viewer), and the same pages for a signed-in dashboard session at {@code /experiments/{id}/report.html} and
 * {@code /reports/weekly}.
 */
public final class ReportRoutes implements RouteGroup {
    private final RunReports runs;
    private final WeeklyReports weekly;
    private final ReportPages pages;
    private final Access access;
    private final PageAccess pageAccess;

    @Inject
    public ReportRoutes(RunReports runs, WeeklyReports weekly, ReportPages pages, Access access, PageAccess pageAccess) {
        this.runs = Objects.requireNonNull(runs, "runs is null");
        this.weekly = Objects.requireNonNull(weekly, "weekly is null");
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.pageAccess = Objects.requireNonNull(pageAccess, "pageAccess is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/experiments/{id}/report.html", access.require(Role.VIEWER, this::runReport));
        routes.get("/experiments/{id}/report.html", pageAccess.page(this::runReport));
        routes.get("/api/v1/reports/weekly", access.require(Role.VIEWER, this::weeklyReport));
        routes.get("/reports/weekly", pageAccess.page(this::weeklyReport));
    }

    private void runReport(Context ctx) {
        String id = ctx.pathParam("id");
        RunReport report = runs.of(id).orElseThrow(() -> new ProblemException(404, "no run '" + id + "'"));
        pages.send(ctx, "run-report.jte", "report", report, "macaque-run-" + report.run().id() + ".html");
    }

    private void weeklyReport(Context ctx) {
        String text = ctx.queryParam("week");
        if (text == null || text.isBlank()) {
            throw ProblemException.invalid("week is required: an ISO week such as " + WeeklyReports.isoWeekOf(weekly.now()), "week",
                    "required, YYYY-Www");
        }
        IsoWeek week = IsoWeek.parse(text);
        String format = ctx.queryParam("format");
        WeeklyReport report = weekly.of(week);
        if (format == null || format.equals("html")) {
            pages.send(ctx, "weekly-report.jte", "report", report, "macaque-week-" + week + ".html");
        } else if (format.equals("json")) {
            ctx.json(report);
        } else {
            throw ProblemException.invalid("format must be html or json, was '" + (format.length() > 40 ? format.substring(0, 40) + "…" : format)
                    + "'", "format", "one of html, json");
        }
    }
}
