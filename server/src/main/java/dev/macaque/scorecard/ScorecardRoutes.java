package dev.macaque.scorecard;

import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.Objects;

/** {@code GET /api/v1/scorecard[?format=json|csv]} (viewer): the reliability scorecard as of now. */
public final class ScorecardRoutes implements RouteGroup {
    private final Scorecards scorecards;
    private final Access access;

    @Inject
    public ScorecardRoutes(Scorecards scorecards, Access access) {
        this.scorecards = Objects.requireNonNull(scorecards, "scorecards is null");
        this.access = Objects.requireNonNull(access, "access is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/scorecard", access.require(Role.VIEWER, this::get));
    }

    private void get(Context ctx) {
        String format = ctx.queryParam("format");
        if (format == null || format.equals("json")) {
            ctx.json(scorecards.current());
        } else if (format.equals("csv")) {
            ctx.contentType("text/csv; charset=utf-8").header("Content-Disposition", "attachment; filename=\"scorecard.csv\"")
                    .result(ScorecardCsv.of(scorecards.current()));
        } else {
            throw ProblemException.invalid("format must be json or csv, was '" + (format.length() > 40 ? format.substring(0, 40) + "…" : format)
                    + "'", "format", "one of json, csv");
        }
    }
}
