package dev.macaque.auth;

/**
 * Who made a request: the token's id and name, and its role. Audit entries name the principal as {@code name (id)}.
 */
public record Principal(String tokenId, String name, Role role) {
    /** The server itself, e.g. for the bootstrap token and scheduled runs. */
    public static final Principal SYSTEM = new Principal("system", "system", Role.ADMIN);

    public String display() {
        return name + " (" + tokenId + ")";
    }
}
