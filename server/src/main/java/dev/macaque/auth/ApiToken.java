package dev.macaque.auth;

import java.time.Instant;

/** A stored token, without its secret: only the hash is ever kept. {@code scope} limits it to a team's groups. */
public record ApiToken(String id, String name, Role role, Scope scope, String createdBy, Instant createdAt, Instant revokedAt) {
    public ApiToken {
        scope = scope == null ? Scope.ALL : scope;
    }

    public boolean active() {
        return revokedAt == null;
    }

    /** Who uses this token, as a request's principal. */
    public Principal principal() {
        return new Principal(id, name, role, scope);
    }
}
