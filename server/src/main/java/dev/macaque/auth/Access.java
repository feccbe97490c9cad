package dev.macaque.auth;

import dev.macaque.audit.AuditLog;
import dev.macaque.audit.RefusalAudit;
import dev.macaque.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Bearer-token authentication, rate limits and role checks for {@code /api/v1}. {@link #authenticate(Context)} runs
 * before every API route (401 when the token is missing or unknown, 429 over a limit); {@link #require(Role, Handler)}
 * wraps each route with the role it needs (403 otherwise). Both refusals are audited: 403s one by one, 401s as a
 * count per source and minute ({@link RefusalAudit}).
 */
public final class Access {
    private static final String PRINCIPAL = "macaque.principal";
    public static final String RATE_LIMITED = "https://macaque.dev/problems/rate-limited";

    private final TokenStore tokens;
    private final AuditLog audit;
    private final RefusalAudit refusals;
    private final RateLimits limits;

    public Access(TokenStore tokens, AuditLog audit, RefusalAudit refusals, RateLimits limits) {
        this.tokens = Objects.requireNonNull(tokens, "tokens is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.refusals = Objects.requireNonNull(refusals, "refusals is null");
        this.limits = Objects.requireNonNull(limits, "limits is null");
    }

    /**
     * Before-handler for every {@code /api/v1} request. A source that has used up its refused calls gets 429 (a call
     * without a token before anything else is done); refused calls are counted per source and minute, not written one
     * by one; a valid token is charged against its own limit.
     */
    public void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            denyUnlessExhausted(ctx);
            deny(ctx, "missing Authorization header: send 'Authorization: Bearer <token>'");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            denyUnlessExhausted(ctx);
            deny(ctx, "the Authorization header must use the Bearer scheme");
        }
        Optional<ApiToken> token = tokens.authenticate(header.substring(7).trim());
        if (token.isEmpty()) {
            deny(ctx, "the bearer token is not valid or was revoked");
        }
        ApiToken t = token.get();
        if (limits.chargeToken(t.id()) instanceof RateLimits.Decision.Refused refused) {
            throw tooMany(ctx, "too many requests with the token '" + t.name() + "'", refused);
        }
        ctx.attribute(PRINCIPAL, t.principal());
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

    /**
     * Refuses (403, audited) a scoped principal: {@code what} is for an unscoped one only, such as releasing the kill
     * switch, which lets every team's chaos resume.
     */
    public void requireUnscoped(Context ctx, String what) {
        Principal principal = principal(ctx);
        if (!principal.scope().unscoped()) {
            audit.record(principal.display(), principal.role().wireName(), "auth.denied", ctx.method() + " " + ctx.path(), ctx.ip(),
                    "forbidden", what + " needs an unscoped principal; it acts within " + principal.scope());
            throw new ProblemException(403, what + " needs an unscoped " + "principal; '" + principal.name() + "' acts within the scope "
                    + principal.scope() + " only");
        }
    }

    /**
     * Marks {@code ctx} as made by {@code principal}, authenticated some other way than by bearer token (the
     * dashboard's session cookie), so that {@link #require(Role, Handler)} decides its role checks exactly as for the API.
     */
    public static void authenticated(Context ctx, Principal principal) {
        ctx.attribute(PRINCIPAL, Objects.requireNonNull(principal, "principal is null"));
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

    /**
     * A call without a token from a source that has used up its refused calls: 429 at once. (A call with a bearer
     * token is looked up first, so that one noisy client cannot lock out a valid token from the same address.)
     */
    private void denyUnlessExhausted(Context ctx) {
        String source = ctx.ip();
        if (limits.sourceExhausted(source) instanceof RateLimits.Decision.Refused refused) {
            refusals.count(source, request(ctx), null, true);
            throw tooMany(ctx, "too many unauthenticated or failed-authentication requests from " + source, refused);
        }
    }

    /** 401, or 429 once the source is over its limit of refused calls; counted per source and minute either way. */
    private void deny(Context ctx, String detail) {
        String source = ctx.ip();
        if (limits.chargeRefusal(source) instanceof RateLimits.Decision.Refused refused) {
            refusals.count(source, request(ctx), detail, true);
            throw tooMany(ctx, "too many unauthenticated or failed-authentication requests from " + source, refused);
        }
        refusals.count(source, request(ctx), detail, false);
        ctx.header("WWW-Authenticate", "Bearer realm=\"macaque\"");
        throw new ProblemException(401, detail);
    }

    private static String request(Context ctx) {
        String method = ctx.req().getMethod();
        return (method.length() > 16 ? method.substring(0, 16) + "…" : method) + " " + ctx.path();
    }

    private static ProblemException tooMany(Context ctx, String what, RateLimits.Decision.Refused refused) {
        long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
        ctx.header("Retry-After", Long.toString(seconds));
        return new ProblemException(429, RATE_LIMITED, what + ": at most " + refused.limit() + " a minute; retry after "
                + seconds + " s", java.util.List.of());
    }
}
