package dev.macaque.auth;

import java.util.Locale;

/** What a token may do. Each role includes the ones before it. */
public enum Role {
    /** Read everything. */
    VIEWER,
    /** Also start and abort experiments, and engage the kill switch. */
    OPERATOR,
    /** Also release the kill switch and manage tokens. */
    ADMIN;

    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code viewer|operator|admin}; throws {@link IllegalArgumentException} naming the accepted values. */
    public static Role parse(String text) {
        for (Role role : values()) {
            if (role.wireName().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("role must be one of viewer, operator, admin; was '" + text + "'");
    }
}
