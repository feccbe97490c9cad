package dev.macaque.audit.api;

import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Access;
import dev.macaque.auth.Role;
import dev.macaque.http.Cursors;
import dev.macaque.http.Problem;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/** {@code GET /api/v1/audit?since=&limit=&cursor=}: the audit trail, newest first. */
public final class AuditRoutes implements RouteGroup {
    private final AuditLog audit;
    private final Access access;

    @Inject
    public AuditRoutes(AuditLog audit, Access access) {
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.access = Objects.requireNonNull(access, "access is null");
    }

    public record AuditPage(List<AuditEntry> items, String nextCursor) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/audit", access.require(Role.VIEWER, this::list));
    }

    private void list(Context ctx) {
        int limit = Cursors.limit(ctx.queryParam("limit"), 50, 500);
        Instant since = null;
        if (ctx.queryParam("since") != null) {
            try {
                since = Instant.parse(ctx.queryParam("since"));
            } catch (DateTimeParseException e) {
                throw new ProblemException(400, ProblemException.VALIDATION,
                        "since must be an ISO-8601 instant such as 2026-01-31T09:00:00Z, was '" + ctx.queryParam("since") + "'",
                        List.of(new Problem.FieldError("since", "not an ISO-8601 instant")));
            }
        }
        Long before = null;
        if (ctx.queryParam("cursor") != null) {
            try {
                before = Long.parseLong(Cursors.decode(ctx.queryParam("cursor"), "audit:"));
            } catch (NumberFormatException e) {
                throw new ProblemException(400, "cursor is not valid");
            }
        }
        List<AuditEntry> page = audit.list(since, before, limit + 1);
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            next = Cursors.encode("audit:" + page.get(page.size() - 1).id());
        }
        ctx.json(new AuditPage(page, next));
    }
}
