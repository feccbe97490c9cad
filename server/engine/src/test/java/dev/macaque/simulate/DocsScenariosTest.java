package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulate.Incident.CauseKind;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The scenarios in docs/scenarios are lessons: each states the SLO a team would want; where its topology is weak it
 * fails them for a cause the report names, and its {@code -fixed.yaml} variant holds them.
 */
class DocsScenariosTest {
    private static final Path DOCS = Path.of("..", "..", "docs", "scenarios");

    private static SimulationReport run(String file) {
        SimulationInput input = SimulationInput.of(ScenarioParser.parse(DOCS.resolve(file)), null);
        return new Simulation(input, List.of()).run(Simulation.ProgressListener.NONE);
    }

    private static List<String> failed(SimulationReport report) {
        return report.hypotheses().stream().filter(h -> !h.passed()).map(h -> h.expression().text()).toList();
    }

    @Test
    void everyWeakLessonHasAFixedVariantAndEveryScenarioStatesHypotheses() throws IOException {
        List<String> files;
        try (Stream<Path> list = Files.list(DOCS)) {
            files = list.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).containsExactly("cascading-dependency-fixed.yaml", "cascading-dependency.yaml",
                "stop-condition-saves-slo.yaml", "well-provisioned.yaml", "zone-outage-fixed.yaml", "zone-outage.yaml");
        for (String file : files) {
            assertThat(ScenarioParser.parse(DOCS.resolve(file)).hypotheses()).as(file).isNotEmpty();
        }
    }

    @Test
    void cascadingDependencyFailsItsSloBecauseTheKillOfDbCascadesThroughApiToWeb() {
        SimulationReport report = run("cascading-dependency.yaml");

        assertThat(report.allHypothesesHold()).isFalse();
        assertThat(failed(report)).containsExactly("availability(web) >= 99.9", "availability(api) >= 99.9", "notRecovered() == 0");
        Incident web = report.incidents().stream().filter(i -> i.service().equals("web")).findFirst().orElseThrow();
        assertThat(web.path()).containsExactly("db", "api", "web");
        assertThat(web.rootCause()).hasValueSatisfying(cause -> {
            assertThat(cause.kind()).isEqualTo(CauseKind.ENGINE_KILL);
            assertThat(cause.group()).isEqualTo("db");
            assertThat(cause.at()).isEqualTo(java.time.Duration.ofHours(13));
            assertThat(cause.lost()).isEqualTo(1);
            assertThat(cause.before()).isEqualTo(2);
        });
        Incident db = report.incidents().get(0);
        assertThat(db.service()).isEqualTo("db");
        assertThat(db.crashes()).as("the overload crashes are secondary effects of the kill").isPositive();
        // The scenario's comment says web and api serve less than half of their requests meanwhile.
        assertThat(web.unservedPercent()).isGreaterThan(50);
    }

    @Test
    void cascadingDependencyFixedHoldsItsSloWithAThirdDbInstance() {
        SimulationReport report = run("cascading-dependency-fixed.yaml");

        assertThat(failed(report)).isEmpty();
        assertThat(report.incidents()).isEmpty();
        assertThat(report.kills()).hasSize(1);
    }

    @Test
    void zoneOutageFailsItsSloBecausePaymentsHasOnlyTwoZones() {
        SimulationReport report = run("zone-outage.yaml");

        assertThat(failed(report)).containsExactly("availability(checkout) >= 99.99", "availability(payments) >= 99.99");
        assertThat(report.incidents()).extracting(Incident::service).containsExactly("payments", "checkout");
        // One outage lowered both factors at once: payments' to 200/350, checkout's own to 400/450. The smaller is
        // payments': it is the root cause of both, and checkout's own loss is a cause of checkout's incident too.
        assertThat(report.incidents()).allSatisfy(incident -> {
            assertThat(incident.rootCause().orElseThrow().kind()).isEqualTo(CauseKind.ZONE_OUTAGE);
            assertThat(incident.rootCause().orElseThrow().lost()).isEqualTo(2);
            assertThat(incident.rootCause().orElseThrow().group()).isEqualTo("payments");
        });
        assertThat(report.incidents().get(1).path()).containsExactly("payments", "checkout");
        assertThat(report.incidents().get(1).causes()).extracting(Incident.Cause::service, Incident.Cause::capacityBefore,
                Incident.Cause::capacityAfter, Incident.Cause::load).containsExactly(
                org.assertj.core.groups.Tuple.tuple("payments", 400.0, 200.0, 350.0),
                org.assertj.core.groups.Tuple.tuple("checkout", 600.0, 400.0, 450.0));
        // 400/450 of checkout's own load times payments' 200/350: the story names both factors.
        ReportText.IncidentStory story = ReportText.stories(report.incidents()).get(0);
        assertThat(ReportText.narrative(report.start(), story.culprit(), story.dependents())).isEqualTo("payments lost 2 of 4"
                + " members at Fri 2 Jan 10:00 UTC (zone outage): 200 < 350 req/s → payments served 57% until 10:03 (3 min 10 s);"
                + " checkout served 51% until 10:03 (3 min 10 s): payments served 57% of its calls, and checkout's own capacity"
                + " fell too: lost 2 of 6 members at Fri 2 Jan 10:00 UTC (zone outage): 400 < 450 req/s, 89% of its load.");
        // Both groups lost their zone-a members: each is short of its own capacity, and both are left in b (and c).
        assertThat(report.incidents().get(0).zones()).containsEntry("payments", java.util.Map.of("a", 0, "b", 2));
        assertThat(report.incidents().get(1).zones()).containsEntry("checkout", java.util.Map.of("a", 0, "b", 2, "c", 2));
    }

    @Test
    void zoneOutageFixedHoldsItsSloWithThreeZonesAndHeadroomForLosingOne() {
        SimulationReport report = run("zone-outage-fixed.yaml");

        assertThat(failed(report)).isEmpty();
        assertThat(report.incidents()).isEmpty();
    }

    @Test
    void wellProvisionedHoldsItsSlo() {
        SimulationReport report = run("well-provisioned.yaml");

        assertThat(failed(report)).isEmpty();
        assertThat(report.kills()).isNotEmpty();
    }
}
