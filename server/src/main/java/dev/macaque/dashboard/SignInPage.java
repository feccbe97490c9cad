package dev.macaque.dashboard;

import dev.macaque.audit.AuditLog;
import dev.macaque.auth.ApiToken;
import dev.macaque.auth.Principal;
import dev.macaque.auth.TokenStore;
import io.javalin.http.Context;
import java.util.Objects;
import java.util.Optional;

/**
 * Sign in with an API token (exchanged for a session cookie: HttpOnly, SameSite=Strict, expiring with the session)
 * and sign out. Both are audited like the API's own token use.
 */
public final class SignInPage {
    /** What the sign-in page shows: where to go afterwards, and why the last attempt failed. */
    public record SignInView(String next, String error) {
    }

    private final DashboardPages pages;
    private final PageAccess access;
    private final TokenStore tokens;
    private final AuditLog audit;

    public SignInPage(DashboardPages pages, PageAccess access, TokenStore tokens, AuditLog audit) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.tokens = Objects.requireNonNull(tokens, "tokens is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
    }

    public void show(Context ctx) {
        if (access.session(ctx).isPresent()) {
            ctx.redirect(safeNext(ctx.queryParam("next")), io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        pages.render(ctx, 200, "signin.jte", pages.publicFrame(ctx, "Sign in", Frame.Section.SIGN_IN),
                new SignInView(safeNext(ctx.queryParam("next")), null));
    }

    public void signIn(Context ctx) {
        PageAccess.requireSameOrigin(ctx);
        String next = safeNext(ctx.formParam("next"));
        String secret = ctx.formParam("token");
        Optional<ApiToken> token = secret == null || secret.isBlank() ? Optional.empty() : tokens.authenticate(secret.trim());
        if (token.isEmpty()) {
            audit.record("anonymous", null, "dashboard.sign-in", "dashboard", ctx.ip(), "unauthenticated",
                    secret == null || secret.isBlank() ? "no token given" : "the token is not valid or was revoked");
            String error = secret == null || secret.isBlank() ? "Enter an API token." : "That token is not valid or was revoked.";
            pages.render(ctx, 401, "signin.jte", pages.publicFrame(ctx, "Sign in", Frame.Section.SIGN_IN), new SignInView(next, error));
            return;
        }
        ApiToken t = token.get();
        Principal principal = new Principal(t.id(), t.name(), t.role());
        DashboardSessions.Started started = access.sessions().start(principal);
        ctx.header("Set-Cookie", cookie(ctx, started.cookieValue(), access.sessions().timeout().toSeconds()));
        audit.record(principal.display(), principal.role().wireName(), "dashboard.sign-in", "dashboard", ctx.ip(), "ok", null);
        ctx.redirect(next, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    public void signOut(Context ctx) {
        DashboardSessions.Session session = PageAccess.current(ctx);
        access.sessions().end(session);
        ctx.header("Set-Cookie", cookie(ctx, "", 0));
        Principal principal = session.principal();
        audit.record(principal.display(), principal.role().wireName(), "dashboard.sign-out", "dashboard", ctx.ip(), "ok", null);
        DashboardPages.redirect(ctx, "/sign-in", "signed-out");
    }

    /** The session cookie: unreadable from scripts, never sent with another site's requests, Secure over HTTPS. */
    static String cookie(Context ctx, String value, long maxAgeSeconds) {
        return PageAccess.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + ("https".equals(ctx.scheme()) ? "; Secure" : "");
    }

    /** Only a path on this server: never an absolute or protocol-relative URL that would send the user elsewhere. */
    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || next.length() > 500
                || next.startsWith("/sign-")) {
            return "/";
        }
        return next;
    }
}
