package dev.macaque.provider.azure;

import com.azure.resourcemanager.authorization.fluent.models.PermissionInner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates the caller's effective permissions at a scope, as the Authorization API's "permissions" list returns them
 * (role assignments' {@code actions} minus {@code notActions}, with {@code *} wildcards). It cannot see deny
 * assignments, ABAC conditions, resource locks or Azure Policy: those can still refuse an action it reports allowed.
 */
final class PermissionCheck {
    private final List<PermissionInner> permissions;

    PermissionCheck(List<PermissionInner> permissions) {
        this.permissions = List.copyOf(permissions);
    }

    /** Whether some role grants {@code action} and does not exclude it in the same role's {@code notActions}. */
    boolean allows(String action) {
        for (PermissionInner permission : permissions) {
            if (anyMatches(permission.actions(), action) && !anyMatches(permission.notActions(), action)) {
                return true;
            }
        }
        return false;
    }

    /** The actions of {@code wanted} that no role grants, in order. */
    List<String> missing(List<String> wanted) {
        List<String> missing = new ArrayList<>();
        for (String action : wanted) {
            if (!allows(action)) {
                missing.add(action);
            }
        }
        return missing;
    }

    private static boolean anyMatches(List<String> patterns, String action) {
        if (patterns == null) {
            return false;
        }
        for (String pattern : patterns) {
            if (pattern != null && matches(pattern, action)) {
                return true;
            }
        }
        return false;
    }

    /** RBAC action match: case-insensitive, {@code *} matches any run of characters (including '/'). */
    static boolean matches(String pattern, String action) {
        String regex = Arrays.stream(pattern.toLowerCase(Locale.ROOT).split("\\*", -1)).map(Pattern::quote)
                .collect(Collectors.joining(".*"));
        return Pattern.matches(regex, action.toLowerCase(Locale.ROOT));
    }
}
