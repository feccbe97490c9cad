package dev.macaque.dashboard;

import dev.macaque.audit.AuditLog;
import dev.macaque.auth.ApiToken;
import dev.macaque.auth.Principal;
import dev.macaque.auth.TokenStore;
import dev.macaque.auth.oidc.OidcSignIn;
import dev.macaque.http.ProblemException;
import io.javalin.http.Context;
import java.util.Objects;
import java.util.Optional;

/**
 * Sign in through the company's identity provider (OpenID Connect, {@link OidcSignIn}) or with an API token, each
 * exchanged for a session cookie (HttpOnly, SameSite=Strict, expiring with the session); and sign out. All are audited
 * like the API's own token use, naming the user.
 */
public final class SignInPage {
    /** The browser-binding cookie of a sign-in under way at the provider: sent back with the provider's redirect (Lax). */
    static final String OIDC_COOKIE = "macaque_oidc";
    static final String CALLBACK = "/sign-in/oidc/callback";

    /**
     * What the sign-in page shows.
     *
     * @param next       where to go afterwards
     * @param error      why the last attempt failed, or null
     * @param sso        whether single sign-on is offered
     * @param tokens     whether an API token is accepted here ({@code auth.tokens.dashboardSignIn})
     * @param continueTo set once signed in through the provider: the page moves on to it by itself
     */
    public record SignInView(String next, String error, boolean sso, boolean tokens, String continueTo) {
        public SignInView(String next, String error) {
            this(next, error, false, true, null);
        }

        /** The link that starts single sign-on, coming back to {@code next}. */
        public String ssoLink() {
            return "/sign-in/oidc?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final DashboardPages pages;
    private final PageAccess access;
    private final TokenStore tokens;
    private final AuditLog audit;
    private final OidcSignIn sso;
    private final boolean tokenSignIn;

    public SignInPage(DashboardPages pages, PageAccess access, TokenStore tokens, AuditLog audit) {
        this(pages, access, tokens, audit, null, true);
    }

    /**
     * @param sso         single sign-on, or null when {@code auth.oidc} is not configured
     * @param tokenSignIn whether the page accepts API tokens
     */
    public SignInPage(DashboardPages pages, PageAccess access, TokenStore tokens, AuditLog audit, OidcSignIn sso, boolean tokenSignIn) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.tokens = Objects.requireNonNull(tokens, "tokens is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.sso = sso;
        this.tokenSignIn = tokenSignIn;
    }

    public void show(Context ctx) {
        if (access.session(ctx).isPresent()) {
            ctx.redirect(safeNext(ctx.queryParam("next")), io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        page(ctx, 200, safeNext(ctx.queryParam("next")), null, null);
    }

    private void page(Context ctx, int status, String next, String error, String continueTo) {
        pages.render(ctx, status, "signin.jte", pages.publicFrame(ctx, "Sign in", Frame.Section.SIGN_IN),
                new SignInView(next, error, sso != null, tokenSignIn, continueTo));
    }

    /** {@code GET /sign-in/oidc}: off to the identity provider, with a fresh state, nonce and PKCE challenge. */
    public void startSso(Context ctx) {
        if (sso == null) {
            throw new ProblemException(404, "single sign-on is not configured on this server (auth.oidc)");
        }
        String next = safeNext(ctx.queryParam("next"));
        OidcSignIn.Started started;
        try {
            started = sso.start(ctx.scheme() + "://" + ctx.host(), next);
        } catch (OidcSignIn.ProviderUnavailable e) {
            audit.record("anonymous", null, "dashboard.sign-in", "dashboard", ctx.ip(), "unavailable", e.getMessage());
            page(ctx, 503, next, "The identity provider cannot be reached right now: " + e.getMessage(), null);
            return;
        }
        ctx.header("Set-Cookie", OIDC_COOKIE + "=" + started.browserBinding() + "; Path=/sign-in/oidc; Max-Age=600; HttpOnly; SameSite=Lax"
                + ("https".equals(ctx.scheme()) ? "; Secure" : ""));
        ctx.redirect(started.authorizationRequest().toString(), io.javalin.http.HttpStatus.SEE_OTHER);
    }

    /** {@code GET /sign-in/oidc/callback}: the provider's answer; a session when the ID token holds and maps to a role. */
    public void finishSso(Context ctx) {
        if (sso == null) {
            throw new ProblemException(404, "single sign-on is not configured on this server (auth.oidc)");
        }
        OidcSignIn.Outcome outcome = sso.finish(ctx.queryParam("state"), ctx.queryParam("code"), ctx.queryParam("error"),
                ctx.queryParam("error_description"), ctx.cookie(OIDC_COOKIE));
        ctx.header("Set-Cookie", OIDC_COOKIE + "=; Path=/sign-in/oidc; Max-Age=0; HttpOnly; SameSite=Lax");
        if (outcome instanceof OidcSignIn.Outcome.Refused refused) {
            audit.record(refused.user() == null ? "anonymous" : refused.user(), null, "dashboard.sign-in", "dashboard", ctx.ip(),
                    refused.status() == 403 ? "forbidden" : "unauthenticated", "single sign-on: " + refused.detail());
            page(ctx, refused.status(), "/", refused.message(), null);
            return;
        }
        OidcSignIn.Outcome.SignedIn signedIn = (OidcSignIn.Outcome.SignedIn) outcome;
        Principal principal = signedIn.principal();
        DashboardSessions.Started started = access.sessions().start(principal);
        ctx.res().addHeader("Set-Cookie", cookie(ctx, started.cookieValue(), access.sessions().timeout().toSeconds()));
        audit.record(principal.display(), principal.role().wireName(), "dashboard.sign-in", "dashboard", ctx.ip(), "ok",
                "single sign-on; " + sso.roleClaim() + " " + signedIn.claimValue() + " grants " + principal.describeRole());
        // Not a redirect: after the provider's cross-site redirect a browser withholds SameSite=Strict cookies for the
        // rest of that chain; this page moves on by itself, as a navigation of our own origin, with the cookie.
        page(ctx, 200, safeNext(signedIn.next()), null, safeNext(signedIn.next()));
    }

    public void signIn(Context ctx) {
        PageAccess.requireSameOrigin(ctx);
        if (!tokenSignIn) {
            audit.record("anonymous", null, "dashboard.sign-in", "dashboard", ctx.ip(), "forbidden", "token sign-in is switched off");
            page(ctx, 403, "/", "Signing in with an API token is switched off on this server (auth.tokens.dashboardSignIn: false).", null);
            return;
        }
        String next = safeNext(ctx.formParam("next"));
        String secret = ctx.formParam("token");
        Optional<ApiToken> token = secret == null || secret.isBlank() ? Optional.empty() : tokens.authenticate(secret.trim());
        if (token.isEmpty()) {
            audit.record("anonymous", null, "dashboard.sign-in", "dashboard", ctx.ip(), "unauthenticated",
                    secret == null || secret.isBlank() ? "no token given" : "the token is not valid or was revoked");
            String error = secret == null || secret.isBlank() ? "Enter an API token." : "That token is not valid or was revoked.";
            page(ctx, 401, next, error, null);
            return;
        }
        ApiToken t = token.get();
        Principal principal = t.principal();
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
