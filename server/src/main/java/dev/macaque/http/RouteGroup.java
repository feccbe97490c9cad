package dev.macaque.http;

import io.javalin.config.RoutesConfig;

/** A feature's routes. Feature modules contribute one through a Guice {@code Multibinder<RouteGroup>}. */
public interface RouteGroup {
    void addTo(RoutesConfig routes);
}
