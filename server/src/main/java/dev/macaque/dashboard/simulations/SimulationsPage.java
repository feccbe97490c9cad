package dev.macaque.dashboard.simulations;

import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Frame;
import dev.macaque.http.ProblemException;
import dev.macaque.simulations.SimulationService;
import dev.macaque.simulations.TrainingSimulation;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;

/**
 * Simulations: the reports of {@code macaque simulate} found in the configured folder, each rendered in the page
 * (verdict, hypotheses, services, groups), with the report's own self-contained HTML page shown in a sandboxed frame.
 */
public final class SimulationsPage {
    /**
     * The report's own page styles itself inline; it is served sandboxed (no script, no origin, no network), only
     * into a frame of this server's pages.
     */
    static final String REPORT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'";

    /** @param training the training simulations this server ran ({@code POST /api/v1/simulations}), newest first */
    public record ListView(String directory, List<SimulationReports.Report> reports, List<TrainingSimulation> training) {
    }

    private final DashboardPages pages;
    private final SimulationReports reports;
    private final SimulationService training;

    public SimulationsPage(DashboardPages pages, SimulationReports reports, SimulationService training) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.reports = Objects.requireNonNull(reports, "reports is null");
        this.training = Objects.requireNonNull(training, "training is null");
    }

    public void list(Context ctx) {
        pages.render(ctx, "simulations.jte", "Simulations", Frame.Section.SIMULATIONS,
                new ListView(reports.directory().toString(), reports.list(), training.list()));
    }

    /** A training simulation shown inside the dashboard's frame, its report page in a sandboxed frame. */
    public record TrainingView(TrainingSimulation simulation) {
    }

    public void training(Context ctx) {
        TrainingSimulation simulation = training.find(ctx.pathParam("id")).orElseThrow(() -> new ProblemException(404,
                "no training simulation '" + ctx.pathParam("id") + "' (older than the " + training.keep()
                        + " this server keeps, or never submitted)"));
        pages.render(ctx, "simulation-server.jte", "Simulation " + simulation.scenario(), Frame.Section.SIMULATIONS,
                new TrainingView(simulation));
    }

    /** A training simulation's report page, as the server stored it, sandboxed like a folder's report. */
    public void trainingHtml(Context ctx) {
        String html = training.reportHtml(ctx.pathParam("id")).orElseThrow(() -> new ProblemException(404, "no report of a "
                + "training simulation '" + ctx.pathParam("id") + "' (it has not finished, failed, or is older than the "
                + training.keep() + " this server keeps)"));
        ctx.header("Content-Security-Policy", REPORT_CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    public void report(Context ctx) {
        SimulationReports.Details details = reports.details(ctx.pathParam("id")).orElseThrow(() -> notFound(ctx));
        pages.render(ctx, "simulation.jte", "Simulation " + details.report().scenario(), Frame.Section.SIMULATIONS, details);
    }

    public void html(Context ctx) {
        var file = reports.html(ctx.pathParam("id")).orElseThrow(() -> notFound(ctx));
        ctx.header("Content-Security-Policy", REPORT_CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        try {
            ctx.contentType("text/html; charset=utf-8").result(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException notFound(Context ctx) {
        return new ProblemException(404, "no simulation report '" + ctx.pathParam("id") + "' in the simulations folder");
    }
}
