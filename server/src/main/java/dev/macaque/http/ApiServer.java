package dev.macaque.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.store.DatabaseHealth;
import dev.macaque.store.StoreException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the (unstarted) Javalin application: JSON mapping, one problem+json error mapping for everything, and the
 * routes every feature contributed.
 */
public final class ApiServer {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Request bodies larger than this are refused with 413 before any handler reads them. */
    public static final long MAX_REQUEST_BYTES = 64 * 1024;

    private ApiServer() {
    }

    /** Problem type of the 503 while the database cannot write. */
    public static final String DATABASE_UNAVAILABLE = "https://macaque.dev/problems/database-unavailable";
    /** What a 503 asks clients to wait before they try again, in seconds. */
    static final int RETRY_AFTER_SECONDS = 5;

    public static Javalin create(MacaqueConfig.ServerConfig server, ObjectMapper json, Set<RouteGroup> routeGroups,
            MeterRegistry metrics, DatabaseHealth database) {
        return create(server, json, routeGroups, metrics, database, java.util.Optional.empty());
    }

    /** @param pages the HTML error pages of browser pages (the dashboard's), if any; the API always answers problem+json */
    public static Javalin create(MacaqueConfig.ServerConfig server, ObjectMapper json, Set<RouteGroup> routeGroups,
            MeterRegistry metrics, DatabaseHealth database, java.util.Optional<ErrorPages> pages) {
        return Javalin.create(config -> {
            config.requestLogger.http((ctx, millis) -> Timer.builder("http.server.requests")
                    .description("HTTP request latency by route template, method and status")
                    .tag("method", methodLabel(ctx.req().getMethod()))
                    .tag("uri", routeTemplate(ctx))
                    .tag("status", Integer.toString(ctx.statusCode()))
                    .publishPercentileHistogram()
                    .register(metrics)
                    .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS));
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.startup.showJavalinBanner = false;
            config.jetty.host = server.host();
            config.jetty.port = server.port();
            ProblemErrorHandler jettyErrors = new ProblemErrorHandler();
            config.jetty.modifyServer(jetty -> jetty.setErrorHandler(jettyErrors));
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(jettyErrors));
            // Before any route reads a path parameter: a malformed escape is the client's error, not a 500.
            config.routes.before(ctx -> PathEncoding.check(ctx.req().getRequestURI()));
            // First of the API's before-handlers: while the database cannot write, nothing the API does can be kept.
            config.routes.before("/api/v1/*", ctx -> {
                DatabaseHealth.Status status = database.status();
                if (!status.writable()) {
                    throw unavailable(ctx, status);
                }
            });
            config.routes.exception(StoreException.class, (e, ctx) -> {
                database.suspect();
                DatabaseHealth.Status status = database.status();
                if (!status.writable()) {
                    ProblemException problem = unavailable(ctx, status);
                    answer(pages, ctx, problem.status(), problem.type(), problem.getMessage(), List.of(), List.of());
                    return;
                }
                log.error("Database error in {} {}", ctx.method(), ctx.path(), e);
                answer(pages, ctx, 500, "about:blank", "internal error; see the server log", List.of(), List.of());
            });
            config.routes.exception(ProblemException.class, (e, ctx) ->
                    answer(pages, ctx, e.status(), e.type(), e.getMessage(), e.errors(), e.excluded()));
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    answer(pages, ctx, e.getStatus(), "about:blank", detail(e, ctx), List.of(), List.of()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Unhandled error in {} {}", ctx.method(), ctx.path(), e);
                answer(pages, ctx, 500, "about:blank", "internal error; see the server log", List.of(), List.of());
            });
            config.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !(type.startsWith(Problem.CONTENT_TYPE) || type.startsWith("text/html"))) {
                    answer(pages, ctx, 404, "about:blank", "no such resource: " + ctx.method() + " " + ctx.path(), List.of(), List.of());
                }
            });
            routeGroups.stream()
                    .sorted(java.util.Comparator.comparing(g -> g.getClass().getName()))
                    .forEach(group -> group.addTo(config.routes));
        });
    }

    private static ProblemException unavailable(Context ctx, DatabaseHealth.Status status) {
        ctx.header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        return new ProblemException(503, DATABASE_UNAVAILABLE, "the database cannot write (" + status.reason() + "); nothing can be "
                + "recorded, so no call is served and no run starts until it can; retry later", List.of());
    }

    /** Methods that get their own label; whatever else a client sends is counted as {@code OTHER}. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

    /** The request method as a metric label: one of {@link #KNOWN_METHODS} or {@code OTHER}, so that clients cannot add series. */
    static String methodLabel(String method) {
        return method != null && KNOWN_METHODS.contains(method) ? method : "OTHER";
    }

    /** The matched route's template ({@code /api/v1/experiments/{id}}), never the raw path: bounded label values. */
    private static String routeTemplate(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
            return endpoint == null ? "UNMATCHED" : endpoint.path;
        } catch (RuntimeException e) {
            return "UNMATCHED";
        }
    }

    private static String detail(HttpResponseException e, Context ctx) {
        String message = e.getMessage();
        if (e.getStatus() == 404 && (message == null || message.isBlank() || message.startsWith("Endpoint ") || message.equals("Not Found"))) {
            return "no such resource: " + ctx.method() + " " + ctx.path();
        }
        return message == null || message.isBlank() ? HttpStatus.forStatus(e.getStatus()).getMessage() : message;
    }

    /** A browser's page gets the HTML error page when there is one; everything else problem+json. */
    private static void answer(java.util.Optional<ErrorPages> pages, Context ctx, int status, String type, String detail,
            List<Problem.FieldError> errors, List<?> excluded) {
        if (pages.isPresent() && pages.get().wants(ctx)) {
            try {
                pages.get().render(ctx, status, detail, errors);
                return;
            } catch (RuntimeException e) {
                log.error("Could not render the error page of {} {}", ctx.method(), ctx.path(), e);
            }
        }
        problem(ctx, status, type, detail, errors, excluded);
    }

    static void problem(Context ctx, int status, String type, String detail, List<Problem.FieldError> errors) {
        problem(ctx, status, type, detail, errors, List.of());
    }

    static void problem(Context ctx, int status, String type, String detail, List<Problem.FieldError> errors, List<?> excluded) {
        HttpStatus httpStatus = HttpStatus.forStatus(status);
        ctx.status(status);
        ctx.json(new Problem(type, httpStatus.getMessage(), status, detail, ctx.path(), errors, excluded));
        ctx.contentType(Problem.CONTENT_TYPE);
    }
}
