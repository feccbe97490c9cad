package dev.macaque.dashboard;

import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Access;
import dev.macaque.auth.Principal;
import dev.macaque.auth.Role;
import dev.macaque.auth.TokenStore;
import dev.macaque.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who a dashboard request comes from, and whether it may do what it asks. The session cookie names a signed-in API
 * token; from there the API's own {@link Access#require(Role, Handler)} decides, so that a page action needs exactly
 * the role its API call needs and a refusal is audited the same way. Every state-changing request must also come
 * from this server's own pages: same origin, and the session's CSRF token in the form or the {@code X-CSRF-Token}
 * header.
 */
public final class PageAccess {
    public static final String COOKIE = "macaque_session";
    public static final String CSRF_FIELD = "csrf";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String SESSION = "macaque.dashboard.session";
    private static final Set<String> SAME_SITE_FETCHES = Set.of("same-origin", "none");

    private final DashboardSessions sessions;
    private final TokenStore tokens;
    private final Access access;
    private final AuditLog audit;

    public PageAccess(DashboardSessions sessions, TokenStore tokens, Access access, AuditLog audit) {
        this.sessions = Objects.requireNonNull(sessions, "sessions is null");
        this.tokens = Objects.requireNonNull(tokens, "tokens is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
    }

    /** The request's live session; a session whose API token was revoked since is ended here. */
    public Optional<DashboardSessions.Session> session(Context ctx) {
        Optional<DashboardSessions.Session> session = sessions.find(ctx.cookie(COOKIE));
        if (session.isPresent() && session.get().principal().isToken() && !tokens.isActive(session.get().principal().tokenId())) {
            sessions.endAllOf(session.get().principal().tokenId());
            return Optional.empty();
        }
        return session;
    }

    /** A page: without a session the browser is sent to the sign-in page, and back here afterwards. */
    public Handler page(Handler handler) {
        return ctx -> {
            Optional<DashboardSessions.Session> session = session(ctx);
            if (session.isEmpty()) {
                String back = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
                String to = "/sign-in?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8);
                if (ctx.header("HX-Request") != null) {
                    ctx.header("HX-Redirect", to).status(204);
                } else {
                    ctx.redirect(to, io.javalin.http.HttpStatus.SEE_OTHER);
                }
                return;
            }
            enter(ctx, session.get());
            handler.handle(ctx);
        };
    }

    /** A live stream or fragment: without a session, a 401 problem (there is no page to send the browser back to). */
    public Handler stream(Handler handler) {
        return ctx -> {
            DashboardSessions.Session session = session(ctx)
                    .orElseThrow(() -> new ProblemException(401, "not signed in to the dashboard, or the session has ended"));
            enter(ctx, session);
            handler.handle(ctx);
        };
    }

    /** A page only {@code role} may see (403 otherwise, audited as by the API); inside {@link #page}. */
    public Handler require(Role role, Handler handler) {
        return access.require(role, handler);
    }

    /** A state-changing request ({@code POST}) that needs {@code role}. */
    public Handler action(Role role, Handler handler) {
        Handler checked = access.require(role, handler);
        return ctx -> {
            requireSameOrigin(ctx);
            DashboardSessions.Session session = session(ctx)
                    .orElseThrow(() -> new ProblemException(401, "not signed in to the dashboard, or the session has ended: sign in again"));
            String given = ctx.header(CSRF_HEADER) != null ? ctx.header(CSRF_HEADER) : ctx.formParam(CSRF_FIELD);
            if (!DashboardSessions.sameSecret(session.csrfToken(), given)) {
                Principal principal = session.principal();
                audit.record(principal.display(), principal.role().wireName(), "auth.denied", ctx.method() + " " + ctx.path(), ctx.ip(),
                        "forbidden", "missing or wrong CSRF token");
                throw new ProblemException(403, "this request did not come from a dashboard page of this session (missing or wrong "
                        + CSRF_FIELD + " token); reload the page and try again");
            }
            enter(ctx, session);
            checked.handle(ctx);
        };
    }

    /** {@code handler} for unscoped principals only (403 otherwise, audited as by the API); inside {@link #action}. */
    public Handler unscoped(String what, Handler handler) {
        return ctx -> {
            access.requireUnscoped(ctx, what);
            handler.handle(ctx);
        };
    }

    /** Refuses a request another site's page made the browser send. */
    public static void requireSameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !SAME_SITE_FETCHES.contains(site)) {
            throw new ProblemException(403, "cross-site request refused (Sec-Fetch-Site: " + site + ")");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals(ctx.scheme() + "://" + ctx.host())) {
            throw new ProblemException(403, "cross-origin request refused: Origin " + origin + " is not this server");
        }
    }

    /** The session of a request that passed {@link #page}, {@link #stream} or {@link #action}. */
    public static DashboardSessions.Session current(Context ctx) {
        DashboardSessions.Session session = ctx.attribute(SESSION);
        if (session == null) {
            throw new ProblemException(401, "not signed in to the dashboard");
        }
        return session;
    }

    public static Frame.Viewer viewer(Context ctx) {
        DashboardSessions.Session session = current(ctx);
        return new Frame.Viewer(session.principal().name(), session.principal().role(), session.csrfToken(), session.principal().scope());
    }

    public DashboardSessions sessions() {
        return sessions;
    }

    private static void enter(Context ctx, DashboardSessions.Session session) {
        ctx.attribute(SESSION, session);
        Access.authenticated(ctx, session.principal());
    }
}
