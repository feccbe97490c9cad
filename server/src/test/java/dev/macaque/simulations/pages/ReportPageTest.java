package dev.macaque.simulations.pages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulate.Incident;
import dev.macaque.simulate.ReportText;
import dev.macaque.simulate.Simulation;
import dev.macaque.simulate.SimulationInput;
import dev.macaque.simulate.SimulationReport;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a trainer found missing in report.html, each checked on the page the server's template renders. */
class ReportPageTest {
    private static final Path DOCS = Path.of("..", "docs", "scenarios");

    private static SimulationReport run(String yaml) {
        return new Simulation(SimulationInput.of(ScenarioParser.parse(yaml, "test.yaml"), null), List.of())
                .run(Simulation.ProgressListener.NONE);
    }

    private static SimulationReport lesson(String file) {
        return new Simulation(SimulationInput.of(ScenarioParser.parse(DOCS.resolve(file)), null), List.of())
                .run(Simulation.ProgressListener.NONE);
    }

    /** db under-provisioned behind api; a kill of db, a refused second kill, a schedule, and an experiment matching nothing. */
    private static final String SCENARIO = """
            name: page
            seed: 4
            duration: 2d
            groups:
              - {name: api, region: r1, zones: [a, b], desired: 3, bootTime: 60s, tags: {macaque-enabled: "true", team: shop}}
              - {name: db, region: r1, zones: [a, b], desired: 2, bootTime: 60s, replacementDelay: 10s, tags: {macaque-enabled: "true"}}
            services:
              - {name: db, group: db, capacityPerInstance: 100, load: 150}
              - {name: api, group: api, capacityPerInstance: 100, load: 200, dependsOn: [db]}
            chaos:
              - {at: 1h, experiment: {name: kill-db, targets: {groups: [db]}, selection: {mode: count, value: 1}}}
              - {at: 61m, experiment: {name: again, concurrency: shared, targets: {groups: [db]}, selection: {mode: count, value: 1},
                 guardrails: {minHealthyPercent: 60}}}
              - {at: 2h, experiment: {name: nobody, targets: {tags: {team: nobody}}, selection: {mode: count, value: 1}}}
              - schedule: {meanTimeBetweenKills: 1d, window: {from: "10:00", to: "16:00", zone: Europe/Paris}}
                experiment: {name: monkey, targets: {groups: [api]}}
            hypotheses:
              - "availability(api) >= 99.9"
            """;

    private static final String PAGE = ReportPage.write(run(SCENARIO));

    @Test
    void everyRatioChartIsDrawnFromZeroToOneHundredPercent() {
        Matcher ticks = Pattern.compile("text-anchor=\"end\">(\\d+)%</text>").matcher(PAGE);
        java.util.Set<String> seen = new java.util.TreeSet<>();
        while (ticks.find()) {
            seen.add(ticks.group(1));
        }
        assertThat(seen).containsExactlyInAnyOrder("0", "50", "100");
    }

    @Test
    void everyAxisCarriesItsUnitAndTheTimeAxisItsZone() {
        assertThat(PAGE).contains(">req/s</text>", ">% served</text>", ">time (UTC)</text>");
    }

    @Test
    void aServiceThatLostRequestsThroughADependencyHasItsTimelineRowMarked() {
        assertThat(PAGE).contains("<rect class=\"short\"").contains("api served ").contains("through db → api");
    }

    @Test
    void refusalsAreListedWithTheirReasons() {
        assertThat(PAGE).contains("<h2>Refused kills</h2>").contains("<td><code>sim-1-1</code></td><td>LAST_HEALTHY_INSTANCE</td>");
    }

    @Test
    void schedulesShowTheirWindowsAndWhatTheyPlanned() {
        assertThat(PAGE).contains("<rect class=\"window\"").contains("window MON-FRI 10:00-16:00 Europe/Paris, 1 eligible group, ");
    }

    @Test
    void anExperimentThatMatchedNothingSaysSo() {
        assertThat(PAGE).contains("<h2>Runs that killed nothing</h2>").contains("<td>nobody</td>")
                .contains("no eligible instance matched the targets");
    }

    @Test
    void theIncidentIsToldWithItsNumbersAndAZoomedChart() {
        assertThat(PAGE).contains("<h2>Incidents</h2>").contains("db lost 1 of 2 members at Thu 1 Jan 01:00 UTC (engine kill of db-")
                .contains("): 100 &lt; 150 req/s → db served 67%").contains("aria-label=\"Success ratio during the incident of db\"")
                .contains("aria-label=\"Dependency graph of the services\"");
    }

    /**
     * zone-outage: checkout loses about 0.02% of five days' requests, 99.98% availability: under a fixed 99.9%
     * threshold that was green, but its hypothesis (>= 99.99) fails, so the card is red. The page's own scenario has
     * no hypothesis on db: its card has no colour.
     */
    @Test
    void aCardIsRedWhenItsHypothesisFailsWhateverTheNumber() {
        SimulationReport zoneOutage = lesson("zone-outage.yaml");
        String page = ReportPage.write(zoneOutage);

        assertThat(zoneOutage.services().stream().filter(x -> x.name().equals("checkout")).findFirst().orElseThrow().availability())
                .isBetween(99.9, 99.99);
        assertThat(page).contains("<div class=\"card bad\"><div class=\"label\">checkout availability</div><div class=\"value\">99.97");
        assertThat(page).contains("<div class=\"card good\"><div class=\"label\">checkout recovery max");
        assertThat(PAGE).contains("<div class=\"card\"><div class=\"label\">db availability");
    }

    @Test
    void everyCauseOfAnIncidentIsMarkedOnItsChart() {
        SimulationReport report = run(SCENARIO);
        String page = ReportPage.write(report);

        assertThat(report.incidents().get(0).causes()).isNotEmpty();
        for (Incident.Cause cause : report.incidents().get(0).causes()) {
            assertThat(page).contains(": " + cause.kind().words() + " · " + cause.group() + " ");
        }
    }

    @Test
    void aHaltIsShownWithItsProbeTimeline() {
        String page = ReportPage.write(lesson("stop-condition-saves-slo.yaml"));

        assertThat(page).contains("<h2>Steady state</h2>", "<td>checkout-ok</td>", "<pre class=\"probe-timeline\">Steady state");
    }

    /** web → api → db, db in zone a only, zone a down: only db is where the incidents started. */
    @Test
    void theDependencyGraphMarksOnlyTheSingleZoneDependencyAsWhereIncidentsStarted() {
        String page = ReportPage.write(run("""
                name: three-tier
                duration: 4h
                groups:
                  - {name: web, region: r1, zones: [a, b], desired: 4, bootTime: 60s}
                  - {name: api, region: r1, zones: [a, b], desired: 4, bootTime: 60s}
                  - {name: db, region: r1, zones: [a], desired: 2, bootTime: 60s}
                services:
                  - {name: db, group: db, capacityPerInstance: 300, load: 300}
                  - {name: api, group: api, capacityPerInstance: 100, load: 300, dependsOn: [db]}
                  - {name: web, group: web, capacityPerInstance: 200, load: 300, dependsOn: [api]}
                faults:
                  - {zoneOutage: {region: r1, zone: a}, at: 1h, duration: 30m}
                """));

        assertThat(Pattern.compile("class=\"node [a-z]+ root\"").matcher(page).results().count()).isEqualTo(1);
        assertThat(page).containsPattern("class=\"node [a-z]+ root\" x=\"\\d+\" y=\"\\d+\" width=\"\\d+\" height=\"\\d+\" rx=\"6\"/>"
                + "<text class=\"nodelabel\" [^>]+>db</text>");
        assertThat(page).contains("db lost 2 of 2 members at Thu 1 Jan 01:00 UTC (zone outage): 0 &lt; 300 req/s");
    }

    /** Two paced kills: the chart marks the first (a cause) and the second (the root cause), not just one. */
    @Test
    void theIncidentChartMarksEveryCause() {
        String page = ReportPage.write(run("""
                name: paced
                duration: 2h
                groups:
                  - {name: web, region: r1, zones: [a, b], desired: 4, bootTime: 10m, tags: {macaque-enabled: "true"}}
                services:
                  - {name: web, group: web, capacityPerInstance: 200, load: 539}
                chaos:
                  - at: 10m
                    experiment: {name: two-kills, targets: {groups: [web]}, selection: {mode: count, value: 2},
                                 guardrails: {minHealthyPercent: 25}, pacing: {between: 2m}}
                """));

        assertThat(page).contains("<line class=\"causemark\"", "Thu 1 Jan 00:10:00: engine kill · web 800 → 600 req/s");
        assertThat(page).contains("<line class=\"killmark\"", "Thu 1 Jan 00:12:00: engine kill · web 600 → 400 req/s");
    }

    @Test
    void numbersHaveOneFormat() {
        assertThat(PAGE).doesNotContainPattern("\\d\\.\\d{3,} s\\b").containsPattern("\\d+ events");
        assertThat(ReportText.duration(68.4461)).isEqualTo("1 min 8 s");
        assertThat(ReportText.duration(49.7454)).isEqualTo("49.7 s");
        assertThat(ReportText.count(4_854_617)).isEqualTo("4,854,617");
    }
}
