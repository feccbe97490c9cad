package dev.macaque.auth.oidc;

import dev.macaque.auth.Role;
import dev.macaque.auth.Scope;
import dev.macaque.config.MacaqueConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code auth.oidc.roles}: which role (and scope) a user's claim values grant. Of several matching values the highest
 * role wins, and at the same role an unscoped mapping wins over scoped ones; two different scopes at the same highest
 * role are ambiguous and grant nothing (a scope is one tag filter, not a union of teams).
 */
public final class RoleMappings {
    /** What a user was granted, and by which claim value. */
    public record Grant(Role role, Scope scope, String claimValue) {
    }

    /** The answer for one user. */
    public sealed interface Decision {
        record Granted(Grant grant) implements Decision {
        }

        /** @param reason one sentence for the person refused */
        record NoRole(String reason) implements Decision {
        }
    }

    private final Map<String, Grant> byValue = new LinkedHashMap<>();

    public RoleMappings(Map<String, MacaqueConfig.RoleMapping> roles) {
        Objects.requireNonNull(roles, "roles is null");
        roles.forEach((value, mapping) -> byValue.put(value, new Grant(Role.parse(mapping.role()), new Scope(mapping.scope()), value)));
    }

    public Decision decide(String claimName, Collection<String> values) {
        List<Grant> matched = new ArrayList<>();
        for (String value : values) {
            Optional.ofNullable(byValue.get(value)).ifPresent(matched::add);
        }
        if (matched.isEmpty()) {
            return new Decision.NoRole("none of your " + claimName + " (" + (values.isEmpty() ? "none in your sign-in" : String.join(", ",
                    values.stream().sorted().limit(20).toList())) + ") is mapped to a Macaque role; ask an administrator to add one to "
                    + "auth.oidc.roles");
        }
        Comparator<Grant> power = Comparator.comparing((Grant g) -> g.role().ordinal()).thenComparing(g -> g.scope().unscoped());
        Grant best = matched.stream().max(power).orElseThrow();
        List<Grant> ties = matched.stream().filter(g -> power.compare(g, best) == 0 && !g.scope().equals(best.scope())).toList();
        if (!ties.isEmpty()) {
            return new Decision.NoRole("your " + claimName + " " + best.claimValue() + " and " + ties.get(0).claimValue() + " grant the "
                    + best.role().wireName() + " role in different scopes (" + best.scope() + "; " + ties.get(0).scope()
                    + "); Macaque cannot tell which applies: ask an administrator to map only one");
        }
        return new Decision.Granted(best);
    }
}
