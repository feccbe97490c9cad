package dev.macaque.auth;

import java.util.Objects;

/**
 * Who made a request: an API token (its id and name) or a person signed in through single sign-on ({@code oidc:} and
 * the provider's subject; named by email, else subject), with a role and the scope it may act in. Audit entries name
 * the principal as {@code name (id)}.
 *
 * @param tokenId the token's id, or {@code oidc:<sub>} for a single sign-on user
 * @param scope   the groups it may act on; {@link Scope#ALL} when unscoped
 */
public record Principal(String tokenId, String name, Role role, Scope scope) {
    /** Id prefix of single sign-on users; API token ids start with {@code tok_}. */
    public static final String OIDC_PREFIX = "oidc:";

    /** The server itself, e.g. for the bootstrap token and scheduled runs. */
    public static final Principal SYSTEM = new Principal("system", "system", Role.ADMIN);

    public Principal {
        Objects.requireNonNull(tokenId, "tokenId is null");
        Objects.requireNonNull(name, "name is null");
        Objects.requireNonNull(role, "role is null");
        scope = scope == null ? Scope.ALL : scope;
    }

    /** An unscoped principal. */
    public Principal(String tokenId, String name, Role role) {
        this(tokenId, name, role, Scope.ALL);
    }

    public String display() {
        return name + " (" + tokenId + ")";
    }

    /** Whether this principal is an API token (its dashboard sessions end when the token is revoked). */
    public boolean isToken() {
        return !tokenId.startsWith(OIDC_PREFIX) && !this.equals(SYSTEM);
    }

    /** The role for people: {@code operator}, or {@code operator within team=payments} when scoped. */
    public String describeRole() {
        return scope.unscoped() ? role.wireName() : role.wireName() + " within " + scope;
    }
}
