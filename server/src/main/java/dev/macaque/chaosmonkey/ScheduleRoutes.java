package dev.macaque.chaosmonkey;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.engine.FieldError;
import dev.macaque.engine.SpecValidationException;
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
 * {@code /api/v1/schedules}: viewers read schedules and their upcoming kills, operators create, replace and delete
 * them. Schedules from the configuration file ({@code source: config}) are read-only here (409).
 */
public final class ScheduleRoutes implements RouteGroup {
        private static final int MAX_UPCOMING = 200;

    private final ScheduleService schedules;
    private final Access access;
    private final ObjectMapper json;

    @Inject
    public ScheduleRoutes(ScheduleService schedules, Access access, ObjectMapper json) {
        this.schedules = Objects.requireNonNull(schedules, "schedules is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    public record ScheduleList(List<ScheduleService.ScheduleView> items) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.post("/api/v1/schedules", access.require(Role.OPERATOR, this::create));
        routes.get("/api/v1/schedules", access.require(Role.VIEWER, ctx -> ctx.json(new ScheduleList(schedules.list()))));
        routes.get("/api/v1/schedules/{id}", access.require(Role.VIEWER, ctx -> ctx.json(schedules.find(ctx.pathParam("id"))
                .orElseThrow(() -> notFound(ctx.pathParam("id"))))));
        routes.put("/api/v1/schedules/{id}", access.require(Role.OPERATOR, this::update));
        routes.delete("/api/v1/schedules/{id}", access.require(Role.OPERATOR, this::delete));
        routes.get("/api/v1/schedules/{id}/upcoming", access.require(Role.VIEWER, this::upcoming));
    }

    private void create(Context ctx) {
        JsonNode body = RequestBodies.tree(ctx, json);
        RequestBodies.checkLimits(body);
        ScheduleService.ScheduleView created = done(validated(() -> schedules.create(body, Access.principal(ctx), ctx.ip())), null);
        ctx.status(201).header("Location", "/api/v1/schedules/" + created.id()).json(created);
    }

    private void update(Context ctx) {
        String id = ctx.pathParam("id");
        JsonNode body = RequestBodies.tree(ctx, json);
        RequestBodies.checkLimits(body);
        ctx.json(done(validated(() -> schedules.update(id, body, Access.principal(ctx), ctx.ip())), id));
    }

    private void delete(Context ctx) {
        String id = ctx.pathParam("id");
        done(schedules.delete(id, Access.principal(ctx), ctx.ip()), id);
        ctx.status(204);
    }

    private void upcoming(Context ctx) {
        String id = ctx.pathParam("id");
        int count = 10;
        String given = ctx.queryParam("count");
        if (given != null) {
            try {
                count = Integer.parseInt(given);
            } catch (NumberFormatException e) {
                count = -1;
            }
            if (count < 1 || count > MAX_UPCOMING) {
                throw new ProblemException(400, ProblemException.VALIDATION, "count must be an integer from 1 to " + MAX_UPCOMING + ", was '" + given + "'",
                        List.of(new Problem.FieldError("count", "must be 1-" + MAX_UPCOMING)));
            }
        }
        ctx.json(schedules.upcoming(id, count).orElseThrow(() -> notFound(id)));
    }

    private static ScheduleService.Change validated(java.util.function.Supplier<ScheduleService.Change> change) {
        try {
            return change.get();
        } catch (SpecValidationException e) {
            List<Problem.FieldError> errors = e.errors().stream().map(f -> new Problem.FieldError(f.path(), f.message())).toList();
            throw new ProblemException(400, ProblemException.VALIDATION, "invalid schedule: " + String.join("; ",
                    e.errors().stream().map(FieldError::toString).toList()), errors);
        }
    }

    private static ScheduleService.ScheduleView done(ScheduleService.Change change, String id) {
        if (change instanceof ScheduleService.Change.Done done) {
            return done.schedule();
        }
        if (change instanceof ScheduleService.Change.NameTaken taken) {
            throw new ProblemException(409, "https://macaque.dev/problems/conflict", "a schedule named '" + taken.name()
                    + "' already exists", List.of(new Problem.FieldError("name", "already used")));
        }
        if (change instanceof ScheduleService.Change.ReadOnly readOnly) {
            throw new ProblemException(409, "https://macaque.dev/problems/conflict", "schedule '" + readOnly.name()
                    + "' comes from the configuration file; change it there (it is re-read at start)", List.of());
        }
        throw notFound(id);
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(404, "no schedule with id '" + id + "'");
    }
}
