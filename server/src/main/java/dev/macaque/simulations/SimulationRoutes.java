package dev.macaque.simulations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.http.Problem;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RequestBodies;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;

/**
 * Training simulations over HTTP: {@code POST /api/v1/simulations} (operator) queues a scenario, {@code GET} lists
 * them and reads one with its report ({@code /report} as JSON, {@code /report.html} as the page).
 */
public final class SimulationRoutes implements RouteGroup {
    /** A scenario's text is far longer than other strings of the API, but stays within the 64 KiB body. */
    static final int MAX_SCENARIO = 60_000;

    private final SimulationService simulations;
    private final Access access;
    private final ObjectMapper json;

    @Inject
    public SimulationRoutes(SimulationService simulations, Access access, ObjectMapper json) {
        this.simulations = Objects.requireNonNull(simulations, "simulations is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    /** @param scenario the scenario file's YAML text; @param seed overrides the file's seed */
    public record SimulationRequest(String scenario, Long seed) {
    }

    public record SimulationPage(List<TrainingSimulation> items) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.post("/api/v1/simulations", access.require(Role.OPERATOR, this::create));
        routes.get("/api/v1/simulations", access.require(Role.VIEWER, this::list));
        routes.get("/api/v1/simulations/{id}", access.require(Role.VIEWER, this::get));
        routes.get("/api/v1/simulations/{id}/report", access.require(Role.VIEWER, this::report));
        routes.get("/api/v1/simulations/{id}/report.html", access.require(Role.VIEWER, this::reportHtml));
    }

    private void create(Context ctx) {
        SimulationRequest request = RequestBodies.read(ctx, json, SimulationRequest.class);
        if (request.scenario() != null && request.scenario().length() > MAX_SCENARIO) {
            throw new ProblemException(400, ProblemException.VALIDATION, "scenario must be at most " + MAX_SCENARIO + " characters",
                    List.of(new Problem.FieldError("scenario", "must be at most " + MAX_SCENARIO + " characters")));
        }
        TrainingSimulation created;
        try {
            created = simulations.submit(request.scenario(), request.seed(), Access.principal(ctx), ctx.ip());
        } catch (SimulationService.Rejected e) {
            throw new ProblemException(400, ProblemException.VALIDATION, e.getMessage(),
                    e.errors().stream().map(x -> new Problem.FieldError(x.getKey(), x.getValue())).toList());
        } catch (SimulationService.Busy e) {
            throw new ProblemException(503, e.getMessage());
        }
        ctx.status(202).header("Location", "/api/v1/simulations/" + created.id()).json(created);
    }

    private TrainingSimulation find(String id) {
        return simulations.find(id).orElseThrow(() -> new ProblemException(404, "no simulation with id '" + id + "' (this server keeps "
                + "the latest " + simulations.keep() + " finished ones, simulations.keep)"));
    }

    private void list(Context ctx) {
        ctx.json(new SimulationPage(simulations.list()));
    }

    private void get(Context ctx) {
        ctx.json(find(ctx.pathParam("id")));
    }

    private String finishedReport(Context ctx, java.util.function.Function<String, java.util.Optional<String>> which) {
        TrainingSimulation simulation = find(ctx.pathParam("id"));
        return which.apply(simulation.id()).orElseThrow(() -> new ProblemException(409, "simulation " + simulation.id() + " is "
                + simulation.state() + (simulation.error() != null ? " (" + simulation.error() + ")" : "") + ": it has no report"));
    }

    private void report(Context ctx) throws Exception {
        JsonNode report = json.readTree(finishedReport(ctx, simulations::reportJson));
        ctx.json(report);
    }

    private void reportHtml(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(finishedReport(ctx, simulations::reportHtml));
    }
}
