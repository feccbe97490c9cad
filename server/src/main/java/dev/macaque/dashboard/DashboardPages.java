package dev.macaque.dashboard;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.killswitch.KillSwitchStore;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Objects;

/** What every page handler needs to answer: the layout's frame and the renderer. */
public final class DashboardPages {
    /** Messages a redirect may ask the next page to show, by code: a page never echoes text from the URL. */
    private static final Map<String, String> NOTICES = Map.of(
            "killswitch-engaged", "Kill switch engaged: no termination happens anywhere until an admin releases it.",
            "killswitch-released", "Kill switch released: experiments and schedules may terminate instances again.",
            "abort-requested", "Abort requested: the run makes no further kill.",
            "already-ended", "The run had already ended; nothing was aborted.",
            "signed-out", "You are signed out.",
            "schedule-created", "Schedule created.",
            "schedule-saved", "Schedule saved.",
            "schedule-enabled", "Schedule enabled: it plans kills in its window again.",
            "schedule-disabled", "Schedule disabled: it plans no kill until it is enabled.");

    private final PageRenderer renderer;
    private final KillSwitchStore killSwitch;
    private final Assets assets;
    private final MacaqueConfig.Mode mode;

    public DashboardPages(PageRenderer renderer, KillSwitchStore killSwitch, Assets assets, MacaqueConfig.Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode is null");
        this.renderer = Objects.requireNonNull(renderer, "renderer is null");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.assets = Objects.requireNonNull(assets, "assets is null");
    }

    /** The frame of a signed-in page. */
    public Frame frame(Context ctx, String title, Frame.Section section) {
        return new Frame(title, section, PageAccess.viewer(ctx), assets.urls(), killSwitch.state(), notice(ctx), mode);
    }

    /** The frame of a page for {@code viewer}, found from the session outside a page handler (an error page). */
    public Frame frame(String title, Frame.Section section, Frame.Viewer viewer, Context ctx) {
        return new Frame(title, section, viewer, assets.urls(), killSwitch.state(), notice(ctx), mode);
    }

    /** The frame of a page shown to anyone (sign-in, API docs). */
    public Frame publicFrame(Context ctx, String title, Frame.Section section) {
        return new Frame(title, section, null, assets.urls(), null, notice(ctx), mode);
    }

    public void render(Context ctx, int status, String template, Frame frame, Object page) {
        renderer.render(ctx, status, template, frame, page);
    }

    public void render(Context ctx, String template, String title, Frame.Section section, Object page) {
        renderer.render(ctx, 200, template, frame(ctx, title, section), page);
    }

    public PageRenderer renderer() {
        return renderer;
    }

    public Assets assets() {
        return assets;
    }

    /** Redirects after a form post, with one of the known notices. */
    public static void redirect(Context ctx, String to, String notice) {
        ctx.redirect(notice == null ? to : to + (to.contains("?") ? "&" : "?") + "notice=" + notice, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    private static String notice(Context ctx) {
        String code = ctx.queryParam("notice");
        return code == null ? null : NOTICES.get(code);
    }
}
