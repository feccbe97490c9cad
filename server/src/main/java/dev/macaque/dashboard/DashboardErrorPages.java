package dev.macaque.dashboard;

import dev.macaque.http.ErrorPages;
import dev.macaque.http.Problem;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Refusals and errors of the dashboard's pages as HTML inside its frame (with the navigation, the kill switch and a
 * way back), for a browser that navigated to a page: a viewer opening New experiment, an unknown URL. The API, the
 * machine endpoints, htmx fragments and live streams keep problem+json.
 */
public final class DashboardErrorPages implements ErrorPages {
    /** Paths that are never pages: the API and what machines read. */
    private static final Set<String> MACHINE_PREFIXES = Set.of("/api/", "/assets/", "/openapi.json", "/metrics", "/health/");

    /** What the page says, with the problem's detail below it. */
    public record ErrorView(int status, String title, String detail, List<Problem.FieldError> errors, boolean signedIn) {
    }

    private final DashboardPages pages;
    private final PageAccess access;

    public DashboardErrorPages(DashboardPages pages, PageAccess access) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.access = Objects.requireNonNull(access, "access is null");
    }

    @Override
    public boolean wants(Context ctx) {
        String path = ctx.path();
        String accept = ctx.header("Accept");
        return MACHINE_PREFIXES.stream().noneMatch(path::startsWith) && accept != null && accept.contains("text/html")
                && ctx.header("HX-Request") == null;
    }

    @Override
    public void render(Context ctx, int status, String detail, List<Problem.FieldError> errors) {
        Frame.Viewer viewer = access.session(ctx).map(s -> new Frame.Viewer(s.principal().name(), s.principal().role(), s.csrfToken()))
                .orElse(null);
        String title = title(status);
        Frame frame = viewer == null ? pages.publicFrame(ctx, title, null) : pages.frame(title, null, viewer, ctx);
        pages.render(ctx, status, "error.jte", frame, new ErrorView(status, title, detail, errors, viewer != null));
    }

    static String title(int status) {
        return switch (status) {
            case 401 -> "Not signed in";
            case 403 -> "Not allowed";
            case 404 -> "Page not found";
            case 500 -> "Something went wrong";
            default -> HttpStatus.forStatus(status).getMessage();
        };
    }
}
