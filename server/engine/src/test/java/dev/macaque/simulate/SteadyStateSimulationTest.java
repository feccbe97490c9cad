package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.scenario.ScenarioException;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same experiment file offline: a scenario binds the production probe names to simulated services, the probes
 * halt the run in virtual time, and the report compares with the same seed without the probes.
 */
class SteadyStateSimulationTest {
    private static final Path DOCS = Path.of("..", "..", "docs", "scenarios");
    private static final Path REPORT = DOCS.resolve("stop-condition-saves-slo.report.txt");

    private static SimulationReport run(Path file) {
        return new Simulation(SimulationInput.of(ScenarioParser.parse(file), null), List.of()).run(Simulation.ProgressListener.NONE);
    }

    @Test
    void theProbeHaltsTheRunBeforeItsThirdKillAndTheReportShowsWhatThatAvoided() throws IOException {
        SimulationReport report = run(DOCS.resolve("stop-condition-saves-slo.yaml"));

        assertThat(report.hypotheses()).allSatisfy(h -> assertThat(h.passed()).as(h.expression().text() + " = " + h.value()).isTrue());
        assertThat(report.kills()).hasSize(2);
        SteadyStateReport steady = report.steadyState();
        assertThat(steady.runs()).singleElement().satisfies(run -> {
            assertThat(run.state()).isEqualTo("HALTED");
            assertThat(run.haltedBy()).isEqualTo("checkout-ok");
            assertThat(run.spared()).isEqualTo(1);
            assertThat(run.haltedAt()).isBetween(Duration.ofHours(13).plusMinutes(2), Duration.ofHours(13).plusMinutes(4));
            assertThat(run.evaluations()).filteredOn(e -> e.phase().equals("BEFORE")).singleElement()
                    .satisfies(e -> assertThat(e.passed()).isTrue());
            assertThat(run.evaluations()).filteredOn(e -> !e.passed()).hasSize(2);
        });
        SteadyStateReport.Comparison web = steady.comparison().get(0);
        assertThat(web.service()).isEqualTo("web");
        assertThat(web.availabilityPercent()).isGreaterThanOrEqualTo(99.9);
        assertThat(web.availabilityWithoutProbes()).isLessThan(99.9);
        assertThat(web.avoidedUnservedRequests()).isPositive();

        // The committed report under docs/ is exactly what the scenario produces (same seed, same bytes).
        String text = ReportText.steadyState(steady);
        assertThat(text).contains("halted at", "by probe checkout-ok", "1 victim spared", "the probes avoided");
        if (!Files.exists(REPORT) || Boolean.getBoolean("macaque.updateDocs")) {
            Files.writeString(REPORT, text, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(REPORT, StandardCharsets.UTF_8)).isEqualTo(text);
        assertThat(ReportJson.write(report)).contains("\"steadyState\"", "\"stoppedBy\":\"checkout-ok\"");
    }

    @Test
    void theSameSeedGivesTheSameSteadyStateReport() {
        Path file = DOCS.resolve("stop-condition-saves-slo.yaml");
        assertThat(ReportJson.write(run(file))).isEqualTo(ReportJson.write(run(file)));
    }

    @Test
    void aNetworkProbeWithoutABindingIsAnErrorBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        String yaml = Files.readString(DOCS.resolve("stop-condition-saves-slo.yaml"), StandardCharsets.UTF_8)
                .replace("  checkout-ok: {service: web, minSuccessPercent: 99.5}", "  checkout: {service: wbe, minSuccessPercent: 99.5}");
        Path file = dir.resolve("unbound.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);

        ScenarioException e = org.assertj.core.api.Assertions.catchThrowableOfType(ScenarioException.class,
                () -> SimulationInput.of(ScenarioParser.parse(file), null));
        assertThat(e.getMessage()).contains("probes.checkout.service: 'wbe' is not a service of this scenario (services: web); "
                + "did you mean 'web'?")
                .contains("chaos[0].experiment.steadyState.probes.checkout-ok: is an http probe, which the simulated world "
                        + "cannot call; bind it to a simulated service, e.g. probes: {checkout-ok: {service: web, minSuccessPercent: 99}}");
    }
}
