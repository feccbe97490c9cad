package dev.macaque.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Access;
import dev.macaque.auth.Principal;
import dev.macaque.auth.Role;
import dev.macaque.engine.ExperimentSpecParser;
import dev.macaque.engine.SpecValidationException;
import dev.macaque.experiments.ExperimentRoutes;
import dev.macaque.experiments.RunView;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RequestBodies;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Experiment templates: named, versioned specs. {@code PUT} adds a version (operator), {@code GET} reads the latest,
 * {@code DELETE} removes the name (operator), and {@code POST .../runs} starts a run of the latest version with
 * optional {@code dryRun} and {@code seed} overrides, recording the template's name and version in the run.
 */
public final class TemplateRoutes implements RouteGroup {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    private final TemplateStore store;
    private final ExperimentRoutes experiments;
    private final Access access;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;

    @Inject
    public TemplateRoutes(TemplateStore store, ExperimentRoutes experiments, Access access, AuditLog audit, ObjectMapper json,
            Clock clock) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    public record TemplateView(String name, int version, JsonNode spec, String createdBy, Instant createdAt) {
        static TemplateView of(StoredTemplate t) {
            // Probe header values may be secrets: the view masks them; the stored template keeps them to run.
            return new TemplateView(t.name(), t.version(), dev.macaque.experiments.SpecSecrets.masked(t.spec()), t.createdBy(),
                    t.createdAt());
        }
    }

    public record TemplateList(List<TemplateView> items) {
    }

    /** What a run of a template may change: the seed (a number, or a decimal string) and dry-run. */
    public record RunOverrides(Boolean dryRun, JsonNode seed) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/templates", access.require(Role.VIEWER, this::list));
        routes.get("/api/v1/templates/{name}", access.require(Role.VIEWER, this::get));
        routes.put("/api/v1/templates/{name}", access.require(Role.OPERATOR, this::put));
        routes.delete("/api/v1/templates/{name}", access.require(Role.OPERATOR, this::delete));
        routes.post("/api/v1/templates/{name}/runs", access.require(Role.OPERATOR, this::run));
    }

    private static String name(Context ctx) {
        String name = ctx.pathParam("name");
        if (!NAME.matcher(name).matches()) {
            throw ProblemException.invalid("a template name is 1-100 letters, digits, '.', '_' or '-'; was '" + name + "'",
                    "name", "invalid template name");
        }
        return name;
    }

    private StoredTemplate find(String name) {
        return store.latest(name).orElseThrow(() -> new ProblemException(404, "no template named '" + name + "'"));
    }

    private void list(Context ctx) {
        ctx.json(new TemplateList(store.list().stream().map(TemplateView::of).toList()));
    }

    private void get(Context ctx) {
        ctx.json(TemplateView.of(find(name(ctx))));
    }

    private void put(Context ctx) {
        String name = name(ctx);
        JsonNode spec = RequestBodies.tree(ctx, json);
        RequestBodies.checkLimits(spec);
        try {
            new ExperimentSpecParser().parse(spec);
        } catch (SpecValidationException e) {
            throw ExperimentRoutes.invalid(e);
        }
        Principal principal = Access.principal(ctx);
        StoredTemplate stored = store.put(name, spec, principal.display(), clock.instant());
        audit.record(principal.display(), principal.role().wireName(), "template.put", name, ctx.ip(), "ok",
                "version " + stored.version());
        ctx.status(stored.version() == 1 ? 201 : 200).json(TemplateView.of(stored));
    }

    private void delete(Context ctx) {
        String name = name(ctx);
        if (!store.delete(name)) {
            throw new ProblemException(404, "no template named '" + name + "'");
        }
        Principal principal = Access.principal(ctx);
        audit.record(principal.display(), principal.role().wireName(), "template.delete", name, ctx.ip(), "ok", null);
        ctx.status(204);
    }

    private void run(Context ctx) {
        StoredTemplate template = find(name(ctx));
        ObjectNode spec = template.spec().deepCopy();
        if (!ctx.body().isBlank()) {
            RunOverrides overrides = RequestBodies.read(ctx, json, RunOverrides.class);
            if (overrides.dryRun() != null) {
                spec.put("dryRun", overrides.dryRun());
            }
            if (overrides.seed() != null && !overrides.seed().isNull()) {
                spec.set("seed", overrides.seed());
            }
        }
        RunView run = experiments.start(ctx, spec, ctx.header("Idempotency-Key"),
                new RunView.TemplateRef(template.name(), template.version()));
        ctx.status(201).header("Location", "/api/v1/experiments/" + run.id()).json(run);
    }
}
