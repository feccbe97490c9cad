package dev.macaque.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.audit.AuditLog;
import dev.macaque.http.ProblemException;
import dev.macaque.http.RequestBodies;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Token management for admins: {@code POST/GET /api/v1/tokens}, {@code DELETE /api/v1/tokens/{id}}. */
public final class TokenRoutes implements RouteGroup {
    private final TokenStore tokens;
    private final Access access;
    private final AuditLog audit;
    private final ObjectMapper json;

    @Inject
    public TokenRoutes(TokenStore tokens, Access access, AuditLog audit, ObjectMapper json) {
        this.tokens = Objects.requireNonNull(tokens, "tokens is null");
        this.access = Objects.requireNonNull(access, "access is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    /** Problem type of a 409: an active token already has the name. */
    public static final String NAME_TAKEN = "https://macaque.dev/problems/token-name-taken";

    /** @param scope tags limiting the token to a team's groups ({@code {"team": "payments"}}); absent: the creator's scope */
    public record CreateToken(String name, String role, Map<String, String> scope) {
    }

    /** @param scope null when unscoped */
    public record TokenView(String id, String name, String role, Map<String, String> scope, String createdBy, Instant createdAt,
                            Instant revokedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.id(), t.name(), t.role().wireName(), scopeOf(t.scope()), t.createdBy(), t.createdAt(), t.revokedAt());
        }
    }

    /** The answer to a create: the only time the secret is shown. */
    public record CreatedToken(String id, String name, String role, Map<String, String> scope, String token) {
    }

    private static Map<String, String> scopeOf(Scope scope) {
        return scope.unscoped() ? null : scope.tags();
    }

    public record TokenList(List<TokenView> items) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.post("/api/v1/tokens", access.require(Role.ADMIN, this::create));
        routes.get("/api/v1/tokens", access.require(Role.ADMIN, ctx -> ctx.json(new TokenList(tokens.list().stream().map(TokenView::of).toList()))));
        routes.delete("/api/v1/tokens/{id}", access.require(Role.ADMIN, this::revoke));
    }

    private void create(Context ctx) {
        CreateToken request = RequestBodies.read(ctx, json, CreateToken.class);
        Role role;
        try {
            role = Role.parse(request.role());
        } catch (IllegalArgumentException e) {
            throw invalid("role", e.getMessage());
        }
        Principal principal = Access.principal(ctx);
        Scope scope;
        try {
            scope = request.scope() == null ? principal.scope() : Scope.of(request.scope());
        } catch (IllegalArgumentException e) {
            throw invalid("scope", e.getMessage());
        }
        if (!principal.scope().covers(scope)) {
            // A team's admin hands out its own team's access, never more.
            throw new ProblemException(422, ProblemException.VALIDATION, "scope: you act within " + principal.scope()
                    + "; a token you create must be within it too (its scope must include " + principal.scope() + ")",
                    List.of(new dev.macaque.http.Problem.FieldError("scope", "must include " + principal.scope())));
        }
        TokenStore.IssuedToken issued;
        try {
            issued = tokens.create(request.name(), role, scope, principal.display());
        } catch (IllegalArgumentException e) {
            throw invalid("name", e.getMessage());
        } catch (TokenStore.NameTaken e) {
            throw new ProblemException(409, NAME_TAKEN, e.getMessage(), List.of(new dev.macaque.http.Problem.FieldError("name",
                    "an active token has this name: " + e.existingId())));
        }
        audit.record(principal.display(), principal.role().wireName(), "token.create", issued.token().id(), ctx.ip(), "ok",
                "name=" + issued.token().name() + " role=" + role.wireName() + (scope.unscoped() ? "" : " scope=" + scope));
        ctx.status(201).header("Location", "/api/v1/tokens/" + issued.token().id())
                .json(new CreatedToken(issued.token().id(), issued.token().name(), role.wireName(), scopeOf(scope), issued.secret()));
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        Principal principal = Access.principal(ctx);
        if (!principal.scope().unscoped()) {
            ApiToken target = tokens.list().stream().filter(t -> t.id().equals(id) && t.active()).findFirst()
                    .orElseThrow(() -> new ProblemException(404, "no active token with id '" + id + "'"));
            if (!principal.scope().covers(target.scope())) {
                throw new ProblemException(403, "the token '" + target.name() + "' is not within your scope (" + principal.scope()
                        + "); only an admin whose scope covers it may revoke it");
            }
        }
        if (!tokens.revoke(id)) {
            throw new ProblemException(404, "no active token with id '" + id + "'");
        }
        audit.record(principal.display(), principal.role().wireName(), "token.revoke", id, ctx.ip(), "ok", null);
        ctx.status(204);
    }

    private static ProblemException invalid(String field, String message) {
        return ProblemException.invalid(field + ": " + message, field, message);
    }
}
