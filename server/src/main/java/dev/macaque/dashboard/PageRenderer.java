package dev.macaque.dashboard;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Renders the precompiled JTE templates (compiled and type-checked with the server's code) and sets the headers every
 * dashboard answer carries: a strict Content-Security-Policy (scripts, styles and connections from this server only,
 * no inline script or style), no framing, no sniffing, and no caching of pages that show live data.
 */
public final class PageRenderer {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "font-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders {@code template} (a path under {@code src/main/jte}) with its {@code frame} and {@code page} parameters. */
    public void render(Context ctx, int status, String template, Frame frame, Object page) {
        ctx.status(status);
        securityHeaders(ctx);
        ctx.contentType("text/html; charset=utf-8").result(fragment(template, Map.of("frame", frame, "page", page)));
    }

    /** A template rendered to a string, for the fragments a live page receives. */
    public String fragment(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        return out.toString();
    }

    public static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }
}
