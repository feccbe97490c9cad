package dev.macaque.auth;

import dev.macaque.audit.AuditLog;
import dev.macaque.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Bearer-token authentication and role checks for {@code /api/v1}. {@link #authenticate(Context)} runs before every
 * API route (401 when the token is missing or unknown); {@link #require(Role, Handler)} wraps each route with the
 * role it needs (403 otherwise). Both refusals are audited.
 */
public final class Access {
    private static final String PRINCIPAL = "macaque.principal";

    private final TokenStore tokens;
    private final AuditLog audit;

    public Access(TokenStore tokens, AuditLog audit) {
        this.tokens = Objects.requireNonNull(tokens, "tokens is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
    }

    /** Before-handler for every {@code /api/v1} request. */
    public void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            deny(ctx, 401, "unauthenticated", "missing Authorization header: send 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            deny(ctx, 401, "unauthenticated", "the Authorization header must use the Bearer scheme");
        }
        Optional<ApiToken> token = tokens.authenticate(header.substring(7).trim());
        if (token.isEmpty()) {
            deny(ctx, 401, "unauthenticated", "the bearer token is not valid or was revoked");
        }
        ApiToken t = token.get();
        ctx.attribute(PRINCIPAL, new Principal(t.id(), t.name(), t.role()));
    }

    /** Wraps {@code handler} so that it only runs for principals holding {@code role}. */
    public Handler require(Role role, Handler handler) {
        return ctx -> {
            Principal principal = principal(ctx);
            if (!principal.role().includes(role)) {
                audit.record(principal.display(), principal.role().wireName(), "auth.denied",
                        ctx.method() + " " + ctx.path(), ctx.ip(), "forbidden", "needs role " + role.wireName());
                throw new ProblemException(403, "this call needs the " + role.wireName() + " role; the token '"
                        + principal.name() + "' has " + principal.role().wireName());
            }
            try {
                handler.handle(ctx);
            } catch (ProblemException e) {
                if (e.status() == 400 || e.status() == 409 || e.status() == 422) {
                    // A refused request is part of the trail too: who tried what, and why it was refused.
                    audit.record(principal.display(), principal.role().wireName(), "request.rejected",
                            ctx.method() + " " + ctx.path(), ctx.ip(), "rejected-" + e.status(), abbreviate(e.getMessage()));
                }
                throw e;
            } catch (io.javalin.http.HttpResponseException e) {
                if (e.getStatus() == 400 || e.getStatus() == 409 || e.getStatus() == 422) {
                    audit.record(principal.display(), principal.role().wireName(), "request.rejected",
                            ctx.method() + " " + ctx.path(), ctx.ip(), "rejected-" + e.getStatus(), abbreviate(e.getMessage()));
                }
                throw e;
            }
        };
    }

    private static String abbreviate(String detail) {
        String text = detail == null ? "" : detail;
        return text.length() <= 500 ? text : text.substring(0, 497) + "...";
    }

    /** The authenticated principal of this request. */
    public static Principal principal(Context ctx) {
        Principal principal = ctx.attribute(PRINCIPAL);
        if (principal == null) {
            throw new ProblemException(401, "not authenticated");
        }
        return principal;
    }

    private void deny(Context ctx, int status, String outcome, String detail) {
        audit.record("anonymous", null, "auth." + outcome, ctx.method().name().toUpperCase(Locale.ROOT) + " " + ctx.path(),
                ctx.ip(), outcome, detail);
        ctx.header("WWW-Authenticate", "Bearer realm=\"macaque\"");
        throw new ProblemException(status, detail);
    }
}
