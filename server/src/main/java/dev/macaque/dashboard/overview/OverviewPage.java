package dev.macaque.dashboard.overview;

import dev.macaque.audit.AuditLog;
import dev.macaque.auth.Access;
import dev.macaque.auth.Principal;
import dev.macaque.chaosmonkey.ScheduleService;
import dev.macaque.dashboard.AsOf;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Frame;
import dev.macaque.experiments.RunHistory;
import dev.macaque.experiments.RunStore;
import dev.macaque.experiments.StoredRun;
import dev.macaque.groups.GroupDiscovery;
import dev.macaque.http.ProblemException;
import dev.macaque.killswitch.KillSwitchRoutes;
import dev.macaque.killswitch.KillSwitchState;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.safety.StopConditionMonitor;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The overview: the kill switch with its button, the failing stop conditions that hold all chaos, runs in progress, the last day's kills, groups degraded now, the
 * next scheduled kills. Each part comes from the service the API answers from.
 */
public final class OverviewPage {
    static final int MAX_ROWS = 20;
    /** Groups whose health the overview reads; a larger fleet is checked on the fleet page, a page at a time. */
    static final int MAX_GROUPS_CHECKED = 500;
    static final int MAX_SCHEDULES = 50;
    static final int NEXT_KILLS = 10;

    /**
     * @param recentKills       real terminations of the last 24 hours, newest first, at most {@link #MAX_ROWS}
     * @param moreRecentKills   whether there were more than those
     * @param recentRehearsals  would-be terminations of dry runs in the same 24 hours: counted apart, never as kills
     * @param moreInProgress    whether more runs are in progress than the list shows
     * @param moreNextKills     whether more kills are planned than the list shows
     */
    public record OverviewView(KillSwitchState killSwitch, List<StoredRun> inProgress, List<RunHistory.Kill> recentKills,
            boolean moreRecentKills, List<GroupDiscovery.GroupView> degraded, boolean fleetTruncated,
            List<GroupDiscovery.ProviderError> discoveryErrors, List<ScheduledKill> nextKills, int reasonMaxLength,
            List<StopConditionMonitor.Status> failingStopConditions, long recentRehearsals, boolean moreInProgress,
            boolean moreNextKills, AsOf fleetAsOf) {
        public String rehearsalsText() {
            return dev.macaque.text.Counts.of(recentRehearsals, "would-be termination") + " of dry runs (rehearsals, not kills)";
        }
    }

    public record ScheduledKill(String scheduleId, String schedule, String group, Instant at) {
    }

    private final DashboardPages pages;
    private final KillSwitchStore killSwitch;
    private final RunStore runs;
    private final RunHistory history;
    private final GroupDiscovery discovery;
    private final ScheduleService schedules;
    private final AuditLog audit;
    private final Clock clock;
    private final StopConditionMonitor stopConditions;

    public OverviewPage(DashboardPages pages, KillSwitchStore killSwitch, RunStore runs, RunHistory history, GroupDiscovery discovery,
            ScheduleService schedules, AuditLog audit, Clock clock, StopConditionMonitor stopConditions) {
        this.stopConditions = Objects.requireNonNull(stopConditions, "stopConditions is null");
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch is null");
        this.runs = Objects.requireNonNull(runs, "runs is null");
        this.history = Objects.requireNonNull(history, "history is null");
        this.discovery = Objects.requireNonNull(discovery, "discovery is null");
        this.schedules = Objects.requireNonNull(schedules, "schedules is null");
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    public void show(Context ctx) {
        List<StoredRun> inProgress = new ArrayList<>();
        for (String state : List.of("PENDING", "RUNNING", "VERIFYING")) {
            inProgress.addAll(runs.list(state, null, null, null, MAX_ROWS));
        }
        inProgress.sort(Comparator.comparing(StoredRun::createdAt).reversed());
        Instant dayAgo = clock.instant().minus(Duration.ofHours(24));
        List<RunHistory.Kill> kills = history.realKillsSince(dayAgo, MAX_ROWS + 1);
        long rehearsals = history.rehearsalsSince(dayAgo);
        GroupDiscovery.GroupPage fleet = discovery.list(GroupDiscovery.Query.all(MAX_GROUPS_CHECKED));
        List<ScheduledKill> next = new ArrayList<>();
        schedules.list().stream().filter(ScheduleService.ScheduleView::enabled).limit(MAX_SCHEDULES)
                .forEach(s -> schedules.upcoming(s.id(), 5).ifPresent(u -> u.upcoming()
                        .forEach(k -> next.add(new ScheduledKill(s.id(), s.name(), k.group(), k.plannedAt())))));
        next.sort(Comparator.comparing(ScheduledKill::at));
        pages.render(ctx, "overview.jte", "Overview", Frame.Section.OVERVIEW, new OverviewView(killSwitch.state(),
                inProgress.subList(0, Math.min(MAX_ROWS, inProgress.size())), kills.subList(0, Math.min(MAX_ROWS, kills.size())),
                kills.size() > MAX_ROWS, fleet.items().stream().filter(GroupDiscovery.GroupView::degraded).toList(),
                fleet.nextAfter() != null, fleet.errors(), next.subList(0, Math.min(NEXT_KILLS, next.size())), KillSwitchRoutes.MAX_REASON_LENGTH,
                stopConditions.statuses().stream().filter(s -> !s.passing()).toList(), rehearsals, inProgress.size() > MAX_ROWS,
                next.size() > NEXT_KILLS, AsOf.of(fleet.observedAt(), clock.instant())));
    }

    /** Engaging needs the operator role, releasing the admin role, as through the API. */
    public void engage(Context ctx) {
        change(ctx, true);
    }

    public void release(Context ctx) {
        change(ctx, false);
    }

    private void change(Context ctx, boolean engaged) {
        String reason = ctx.formParam("reason");
        reason = reason == null || reason.isBlank() ? null : reason.trim();
        if (reason != null && reason.length() > KillSwitchRoutes.MAX_REASON_LENGTH) {
            throw ProblemException.invalid("reason must be at most " + KillSwitchRoutes.MAX_REASON_LENGTH + " characters", "reason",
                    "at most " + KillSwitchRoutes.MAX_REASON_LENGTH + " characters");
        }
        Principal principal = Access.principal(ctx);
        killSwitch.set(engaged, reason, principal.display());
        audit.record(principal.display(), principal.role().wireName(), engaged ? "killswitch.engage" : "killswitch.release", "killswitch",
                ctx.ip(), "ok", reason);
        DashboardPages.redirect(ctx, "/", engaged ? "killswitch-engaged" : "killswitch-released");
    }
}
