package dev.macaque.http;

import io.javalin.http.Context;
import java.util.List;

/**
 * How a refusal or error is shown to a person's browser outside the API: as an HTML page (the dashboard binds one,
 * inside its frame). The API under {@code /api/} and anything that did not ask for HTML always get problem+json.
 */
public interface ErrorPages {
    /** Whether {@code ctx} is a page a browser navigated to, and gets this page instead of problem+json. */
    boolean wants(Context ctx);

    /** Renders the page: the status, the problem's detail, and each field error. */
    void render(Context ctx, int status, String detail, List<Problem.FieldError> errors);
}
