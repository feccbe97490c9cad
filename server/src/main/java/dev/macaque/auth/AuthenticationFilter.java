package dev.macaque.auth;

import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import jakarta.inject.Inject;
import java.util.Objects;

/** Authenticates every {@code /api/v1} request before its route runs, whatever role the route asks for. */
public final class AuthenticationFilter implements RouteGroup {
    private final Access access;

    @Inject
    public AuthenticationFilter(Access access) {
        this.access = Objects.requireNonNull(access, "access is null");
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.before("/api/v1/*", access::authenticate);
    }
}
