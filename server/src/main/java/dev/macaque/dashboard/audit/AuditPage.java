package dev.macaque.dashboard.audit;

import dev.macaque.audit.AuditEntry;
import dev.macaque.audit.AuditLog;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Frame;
import dev.macaque.http.Cursors;
import dev.macaque.http.ProblemException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Objects;

/** The audit trail, newest first, filtered by action, actor and outcome, a page at a time. */
public final class AuditPage {
    static final int PAGE_SIZE = 50;
    static final int MAX_FILTER_LENGTH = 200;

    public record AuditView(AuditLog.Filter filter, List<AuditEntry> entries, String nextCursor) {
        public String text(String value) {
            return value == null ? "" : value;
        }
    }

    private final DashboardPages pages;
    private final AuditLog audit;

    public AuditPage(DashboardPages pages, AuditLog audit) {
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
    }

    public void show(Context ctx) {
        AuditLog.Filter filter = new AuditLog.Filter(param(ctx, "action"), param(ctx, "actor"), param(ctx, "outcome"));
        Long before = null;
        if (ctx.queryParam("cursor") != null && !ctx.queryParam("cursor").isBlank()) {
            try {
                before = Long.parseLong(Cursors.decode(ctx.queryParam("cursor"), "audit:"));
            } catch (NumberFormatException e) {
                throw ProblemException.invalid("cursor is not valid: use the Older entries link", "cursor", "not a cursor of this page");
            }
        }
        List<AuditEntry> page = audit.list(filter, null, before, PAGE_SIZE + 1);
        String next = null;
        if (page.size() > PAGE_SIZE) {
            page = page.subList(0, PAGE_SIZE);
            next = Cursors.encode("audit:" + page.get(page.size() - 1).id());
        }
        pages.render(ctx, "audit.jte", "Audit", Frame.Section.AUDIT, new AuditView(filter, page, next));
    }

    private static String param(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (value.length() > MAX_FILTER_LENGTH) {
            throw ProblemException.invalid(name + " must be at most " + MAX_FILTER_LENGTH + " characters", name, "too long");
        }
        return value.trim();
    }
}
