package dev.macaque.dashboard.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.dashboard.AsOf;
import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Frame;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.experiments.RunHistory;
import dev.macaque.experiments.RunView;
import dev.macaque.groups.GroupDiscovery;
import dev.macaque.http.ProblemException;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.dashboard.Format;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.Instance;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet: every discovered group by provider and region, with opt-in, weight, health and its last kill; searchable
 * and filtered as {@code GET /api/v1/groups} is. A group's page shows its kill history and a recovery-time chart.
 */
public final class FleetPages {
    static final int PAGE_SIZE = 100;
    static final int KILL_HISTORY = 50;

    /** The filters as the form sent them (echoed back into it). */
    public record Filters(String q, String provider, String region, String optedIn) {
        public boolean optedInIs(String value) {
            return value.equals(optedIn == null ? "" : optedIn);
        }
    }

    /** @param recoverySeconds how long the group took to come back after its last kill, when it did */
    public record FleetRow(GroupDiscovery.GroupView group, RunHistory.Kill lastKill, Double recoverySeconds, String recoveryStatus) {
    }

    /** @param asOf how old the oldest row is (the fleet inventory's reads) */
    public record FleetView(Filters filters, List<String> providers, List<FleetRow> rows, String nextAfter,
            List<GroupDiscovery.ProviderError> errors, AsOf asOf) {
    }

    public record KillRow(RunHistory.Kill kill, String recoveryStatus, Double recoverySeconds) {
    }

    /**
     * @param members        the group's members as its provider describes them now, at most {@link #MEMBERS_SHOWN}
     * @param memberCount    how many members the provider reported
     * @param membersError   why the members could not be read, or null
     * @param chartJson      the recovery times of real kills, as the chart script reads them ({@code {"x": [...], "y": [...]}})
     * @param newExperiment  the New-experiment page targeted at this group
     * @param asOf           how old the listing the page shows is
     */
    public record GroupPageView(GroupDiscovery.GroupView group, List<Instance> members, int memberCount, String membersError,
            List<KillRow> kills, String chartJson, int recoveredKills, String newExperiment, AsOf asOf) {
        public List<Map.Entry<String, String>> sortedTags() {
            return new java.util.TreeMap<>(group.tags()).entrySet().stream().toList();
        }
    }

    /** How many members a group's page lists; the rest are counted. */
    static final int MEMBERS_SHOWN = 500;

    private final DashboardPages pages;
    private final GroupDiscovery discovery;
    private final ProviderInstances providers;
    private final RunHistory history;
    private final ExperimentService experiments;
    private final ObjectMapper json;
    private final Clock clock;

    public FleetPages(DashboardPages pages, GroupDiscovery discovery, ProviderInstances providers, RunHistory history,
            ExperimentService experiments, ObjectMapper json, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.discovery = Objects.requireNonNull(discovery, "discovery is null");
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.history = Objects.requireNonNull(history, "history is null");
        this.experiments = Objects.requireNonNull(experiments, "experiments is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    public void fleet(Context ctx) {
        Filters filters = new Filters(blankToNull(ctx.queryParam("q")), blankToNull(ctx.queryParam("provider")),
                blankToNull(ctx.queryParam("region")), blankToNull(ctx.queryParam("optedIn")));
        Boolean optedIn = switch (filters.optedIn() == null ? "" : filters.optedIn()) {
            case "" -> null;
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.invalid("optedIn must be true or false, was '" + filters.optedIn() + "'", "optedIn",
                    "must be true or false");
        };
        GroupDiscovery.GroupPage page;
        try {
            page = discovery.list(new GroupDiscovery.Query(filters.provider(), filters.region(), optedIn, Map.of(), filters.q(),
                    blankToNull(ctx.queryParam("after")), PAGE_SIZE));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(e.getMessage(), "provider", e.getMessage());
        }
        List<FleetRow> rows = page.items().stream().map(g -> {
            GroupRef ref = new GroupRef(g.provider(), g.region(), g.name());
            // a dry run's would-be termination is a rehearsal, not the group's last kill
            Optional<RunHistory.Kill> last = history.lastRealKillOf(ref);
            Optional<RunView.RecoveryView> recovery = last.flatMap(k -> recoveryOf(k, ref));
            return new FleetRow(g, last.orElse(null), recovery.map(RunView.RecoveryView::timeToRecoverSeconds).orElse(null),
                    recovery.map(RunView.RecoveryView::status).orElse(null));
        }).toList();
        pages.render(ctx, "fleet.jte", "Fleet", Frame.Section.FLEET, new FleetView(filters,
                providers.all().stream().map(ConfiguredProvider::id).sorted().toList(), rows, page.nextAfter(), page.errors(),
                AsOf.of(page.observedAt(), clock.instant())));
    }

    public void group(Context ctx) {
        String provider = ctx.pathParam("provider");
        String region = ctx.pathParam("region");
        String name = ctx.pathParam("name");
        GroupDiscovery.GroupView group = discovery.find(provider, region, name).orElseThrow(() -> new ProblemException(404,
                "no group " + provider + "/" + region + "/" + name + " is reported by a configured provider"));
        GroupRef ref = new GroupRef(provider, region, name);
        List<KillRow> kills = history.killsOf(ref, KILL_HISTORY).stream().map(k -> {
            Optional<RunView.RecoveryView> recovery = recoveryOf(k, ref);
            return new KillRow(k, recovery.map(RunView.RecoveryView::status).orElse(null),
                    recovery.map(RunView.RecoveryView::timeToRecoverSeconds).orElse(null));
        }).toList();
        ObjectNode chart = json.createObjectNode();
        ArrayNode x = chart.putArray("x");
        ArrayNode y = chart.putArray("y");
        int recovered = 0;
        // oldest first, as a time axis wants; only real kills that recovered have a time to recover
        for (int i = kills.size() - 1; i >= 0; i--) {
            KillRow row = kills.get(i);
            if (!row.kill().dryRun() && row.recoverySeconds() != null) {
                x.add(row.kill().intendedAt().getEpochSecond());
                y.add(row.recoverySeconds());
                recovered++;
            }
        }
        GroupDiscovery.GroupMembersRead read = discovery.members(ref);
        List<Instance> all = read.instances();
        List<Instance> members = all.subList(0, Math.min(MEMBERS_SHOWN, all.size()));
        pages.render(ctx, "group.jte", group.id(), Frame.Section.FLEET, new GroupPageView(group, members, all.size(), read.error(), kills,
                chart.toString(), recovered, "/experiments/new?group=" + Format.query(group.id()),
                AsOf.of(group.observedAt(), clock.instant())));
    }

    /** The recovery the kill's run recorded for the group (one per group and run, from the run's first kill there). */
    private Optional<RunView.RecoveryView> recoveryOf(RunHistory.Kill kill, GroupRef group) {
        return experiments.view(kill.runId()).flatMap(run -> run.recoveries().stream()
                .filter(r -> r.group().equals(group.toString())).findFirst());
    }

    static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}
