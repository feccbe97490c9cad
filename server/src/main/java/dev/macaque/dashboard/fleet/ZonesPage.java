package dev.macaque.dashboard.fleet;

import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Frame;
import dev.macaque.dashboard.PageAccess;
import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.experiments.RunPredictor;
import dev.macaque.http.RouteGroup;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.simulate.ZoneReadiness;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /fleet/zones}: the fleet's groups × zones for one provider, each cell what that zone's outage would do to the
 * group (its members there, and refused single-zone, below its minimum, or recovering in the predicted time). The
 * same readiness as {@code GET /api/v1/zones}; reading it starts nothing.
 */
public final class ZonesPage implements RouteGroup {
    private final PageAccess access;
    private final DashboardPages pages;
    private final RunPredictor predictor;
    private final ProviderInstances providers;

    @Inject
    public ZonesPage(PageAccess access, DashboardPages pages, RunPredictor predictor, ProviderInstances providers) {
        this.access = Objects.requireNonNull(access, "access is null");
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.predictor = Objects.requireNonNull(predictor, "predictor is null");
        this.providers = Objects.requireNonNull(providers, "providers is null");
    }

    /** One group's part in one zone; null in a row where the group has no member in that zone. */
    public record Cell(int inZone, int healthyAfter, String verdict, String detail, Double predictedRecoverySeconds) {
        /** The CSS class of the verdict: a refusal is a finding, a recovery is fine. */
        public String toneClass() {
            return switch (verdict) {
                case "SINGLE_ZONE", "BELOW_MINIMUM", "NOT_RECOVERED" -> "tone-bad";
                case "RECOVERS" -> "tone-good";
                default -> "muted";
            };
        }
    }

    public record Row(String group, boolean optedIn, int healthy, int desired, List<Cell> cells) {
    }

    /** @param zones column headings, region/zone; @param atRisk opted-in groups some zone's outage would refuse */
    public record ZonesView(String provider, List<String> providers, List<String> zones, List<Row> rows, long atRisk,
                            List<String> caveats, String error) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/fleet/zones", access.page(this::show));
    }

    private void show(Context ctx) {
        List<String> configured = providers.all().stream().map(ConfiguredProvider::id).sorted().toList();
        String provider = ctx.queryParam("provider");
        if (provider == null || provider.isBlank()) {
            provider = configured.isEmpty() ? null : configured.get(0);
        } else if (!configured.contains(provider)) {
            // bad input on a page is a page that says so, inside the dashboard's frame
            pages.render(ctx, 400, "zones.jte", pages.frame(ctx, "Zones", Frame.Section.FLEET), new ZonesView(null, configured,
                    List.of(), List.of(), 0, List.of(), "no provider '" + provider + "' is configured (configured: "
                    + String.join(", ", configured) + ")"));
            return;
        }
        ZonesView view;
        if (provider == null) {
            view = new ZonesView(null, configured, List.of(), List.of(), 0, List.of(), "no provider is configured");
        } else {
            try {
                view = matrix(predictor.zoneReadiness(provider, Guardrails.DEFAULTS), configured);
            } catch (RunPredictor.NotPredictable | RunPredictor.Busy e) {
                view = new ZonesView(provider, configured, List.of(), List.of(), 0, List.of(), e.getMessage());
            }
        }
        pages.render(ctx, "zones.jte", "Zones", Frame.Section.FLEET, view);
    }

    static ZonesView matrix(ZoneReadiness readiness, List<String> configured) {
        List<String> zones = readiness.zones().stream().map(z -> z.region() + "/" + z.zone()).toList();
        Map<String, Row> rows = new LinkedHashMap<>();
        Map<String, Cell[]> cells = new LinkedHashMap<>();
        long atRisk = 0;
        for (int z = 0; z < readiness.zones().size(); z++) {
            for (ZoneReadiness.GroupInZone g : readiness.zones().get(z).groups()) {
                String id = g.group().toString();
                Cell[] row = cells.computeIfAbsent(id, k -> new Cell[zones.size()]);
                if (!rows.containsKey(id)) {
                    rows.put(id, new Row(id, g.optedIn(), g.healthy(), g.desired(), List.of()));
                }
                row[z] = new Cell(g.inZone(), g.healthyAfter(), g.verdict().name(), g.detail(),
                        g.predictedRecovery() == null ? null : g.predictedRecovery().toMillis() / 1000.0);
                if (g.verdict() == ZoneReadiness.Verdict.SINGLE_ZONE || g.verdict() == ZoneReadiness.Verdict.BELOW_MINIMUM) {
                    atRisk++;
                }
            }
        }
        List<Row> out = new ArrayList<>();
        rows.values().stream().sorted(java.util.Comparator.comparing(Row::group)).forEach(r ->
                out.add(new Row(r.group(), r.optedIn(), r.healthy(), r.desired(), java.util.Arrays.asList(cells.get(r.group())))));
        return new ZonesView(readiness.provider(), configured, zones, out, atRisk, readiness.caveats(), null);
    }
}
