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

    public record CreateToken(String name, String role) {
    }

    public record TokenView(String id, String name, String role, String createdBy, Instant createdAt, Instant revokedAt) {
        static TokenView of(ApiToken t) {
            return new TokenView(t.id(), t.name(), t.role().wireName(), t.createdBy(), t.createdAt(), t.revokedAt());
        }
    }

    /** The answer to a create: the only time the secret is shown. */
    public record CreatedToken(String id, String name, String role, String token) {
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
        TokenStore.IssuedToken issued;
        try {
            issued = tokens.create(request.name(), role, principal.display());
        } catch (IllegalArgumentException e) {
            throw invalid("name", e.getMessage());
        } catch (TokenStore.NameTaken e) {
            throw new ProblemException(409, NAME_TAKEN, e.getMessage(), List.of(new dev.macaque.http.Problem.FieldError("name",
                    "an active token has this name: " + e.existingId())));
        }
        audit.record(principal.display(), principal.role().wireName(), "token.create", issued.token().id(), ctx.ip(), "ok",
                "name=" + issued.token().name() + " role=" + role.wireName());
        ctx.status(201).header("Location", "/api/v1/tokens/" + issued.token().id())
                .json(new CreatedToken(issued.token().id(), issued.token().name(), role.wireName(), issued.secret()));
    }

    private void revoke(Context ctx) {
        String id = ctx.pathParam("id");
        Principal principal = Access.principal(ctx);
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
