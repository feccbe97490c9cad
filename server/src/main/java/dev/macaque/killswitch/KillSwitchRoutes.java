package dev.macaque.killswitch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Access;
import dev.macaque.auth.Principal;
import dev.macaque.auth.Role;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RequestBodies;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.Objects;

/**
 * {@code GET /api/v1/killswitch} (viewer) and {@code PUT /api/v1/killswitch} with {@code {"engaged": true|false,
 * "reason": "..."}}: engaging needs the operator role, releasing the admin role — anyone on call can stop chaos, only
 * an admin can resume it.
 */
public final class KillSwitchRoutes implements RouteGroup {
    public static final int MAX_REASON_LENGTH = 500;

    private final KillSwitchStore killSwitch;
    private final Access access;
    private final AuditLog audit;
    private final ObjectMapper json;

    @Inject
    public KillSwitchRoutes(KillSwitchStore killSwitch, Access access, AuditLog audit, ObjectMapper json) {
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    public record KillSwitchChange(Boolean engaged, String reason) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/api/v1/killswitch", access.require(Role.VIEWER, ctx -> ctx.json(killSwitch.state())));
        routes.put("/api/v1/killswitch", access.require(Role.OPERATOR, this::change));
    }

    private void change(Context ctx) {
        KillSwitchChange change = RequestBodies.read(ctx, json, KillSwitchChange.class);
        if (change.engaged() == null) {
            throw invalid("engaged", "is required: true to stop all terminations, false to allow them again");
        }
        if (change.reason() != null && change.reason().length() > MAX_REASON_LENGTH) {
            throw invalid("reason", "must be at most " + MAX_REASON_LENGTH + " characters");
        }
        Principal principal = Access.principal(ctx);
        if (!change.engaged() && !principal.role().includes(Role.ADMIN)) {
            audit.record(principal.display(), principal.role().wireName(), "auth.denied", "PUT /api/v1/killswitch", ctx.ip(),
                    "forbidden", "releasing the kill switch needs role admin");
            throw new ProblemException(403, "releasing the kill switch needs the admin role; the token '" + principal.name()
                    + "' has " + principal.role().wireName());
        }
        if (!change.engaged()) {
            // Any operator may stop all chaos (safety first); only an unscoped admin may let every team's resume.
            access.requireUnscoped(ctx, "releasing the kill switch");
        }
        KillSwitchState state = killSwitch.set(change.engaged(), change.reason(), principal.display());
        audit.record(principal.display(), principal.role().wireName(), change.engaged() ? "killswitch.engage" : "killswitch.release",
                "killswitch", ctx.ip(), "ok", change.reason());
        ctx.json(state);
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(field + " " + message, field, message);
    }
}
