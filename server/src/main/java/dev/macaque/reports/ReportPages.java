package dev.macaque.reports;

import dev.macaque.dashboard.PageRenderer;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a report page: one self-contained HTML document whose Content-Security-Policy lets it load nothing at all
 * (only its own inline style), so that it reads the same saved to disk, mailed, or printed.
 */
public final class ReportPages {
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

    private final PageRenderer renderer;

    public ReportPages(PageRenderer renderer) {
        this.renderer = Objects.requireNonNull(renderer, "renderer is null");
    }

    public void send(Context ctx, String template, String param, Object model, String fileName) {
        String html = renderer.fragment(template, Map.of(param, model));
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Content-Disposition", "inline; filename=\"" + fileName + "\"");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }
}
