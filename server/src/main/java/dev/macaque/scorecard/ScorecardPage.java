package dev.macaque.scorecard;

import dev.macaque.dashboard.DashboardPages;
import dev.macaque.dashboard.Frame;
import dev.macaque.dashboard.PageAccess;
import dev.macaque.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Objects;

/** The dashboard's {@code /scorecard}: the groups most in need first, teams, the fleet's trend, and the definitions. */
public final class ScorecardPage implements RouteGroup {
    private final PageAccess access;
    private final DashboardPages pages;
    private final Scorecards scorecards;

    @Inject
    public ScorecardPage(PageAccess access, DashboardPages pages, Scorecards scorecards) {
        this.access = Objects.requireNonNull(access, "access is null");
        this.pages = Objects.requireNonNull(pages, "pages is null");
        this.scorecards = Objects.requireNonNull(scorecards, "scorecards is null");
    }

    /**
     * The page's model: the scorecard, the bars of its trend chart (heights in SVG units out of 100), and the ISO weeks
     * whose reports it links to.
     */
    public record ScorecardView(Scorecard scorecard, List<Bar> bars, String thisWeek, String lastWeek) {
    }

    /** One week of the trend chart; {@code height} 0 and {@code score} null when the fleet had no group then. */
    public record Bar(String week, Double score, int x, int height) {
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get("/scorecard", access.page(this::show));
    }

    private void show(Context ctx) {
        Scorecard scorecard = scorecards.current();
        List<Bar> bars = new java.util.ArrayList<>();
        for (int i = 0; i < scorecard.trend().size(); i++) {
            Scorecard.TrendPoint p = scorecard.trend().get(i);
            bars.add(new Bar(p.week(), p.score(), i * 30, p.score() == null ? 0 : (int) Math.round(p.score())));
        }
        pages.render(ctx, "scorecard.jte", "Scorecard", Frame.Section.SCORECARD, new ScorecardView(scorecard, bars,
                ScorecardCalculator.isoWeek(scorecard.asOf()), ScorecardCalculator.isoWeek(scorecard.asOf().minus(java.time.Duration.ofDays(7)))));
    }
}
