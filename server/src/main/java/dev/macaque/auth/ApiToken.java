package dev.macaque.auth;

import java.time.Instant;

/** A stored token, without its secret: only the hash is ever kept. */
public record ApiToken(String id, String name, Role role, String createdBy, Instant createdAt, Instant revokedAt) {
    public boolean active() {
        return revokedAt == null;
    }
}
