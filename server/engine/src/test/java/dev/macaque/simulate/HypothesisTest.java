package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.simulated.scenario.ScenarioException;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.util.List;
import org.junit.jupiter.api.Test;

class HypothesisTest {
    /** One kill of api at 1h recovering in exactly 70 s (see AnalyticSimulationTest); db is never killed. */
    private static final String WORLD = """
            name: hyp
            duration: 2h
            groups:
              - {name: api, region: r, zones: [a, b, c], desired: 3, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: db, region: r, zones: [a], desired: 1, tags: {macaque-enabled: "true"}}
            services:
              - {name: api, group: api, capacityPerInstance: 100, load: 250}
            chaos:
              - {at: 1h, experiment: {name: k, targets: {groups: [api, db]}, selection: {mode: count, value: 2}}}
            hypotheses:
            """;

    private static List<HypothesisResult> check(String... hypotheses) {
        StringBuilder yaml = new StringBuilder(WORLD);
        for (String hypothesis : hypotheses) {
            yaml.append("  - \"").append(hypothesis).append("\"\n");
        }
        return Simulations.run(yaml.toString()).hypotheses();
    }

    private static ScenarioException invalid(String... hypotheses) {
        StringBuilder yaml = new StringBuilder(WORLD);
        for (String hypothesis : hypotheses) {
            yaml.append("  - \"").append(hypothesis).append("\"\n");
        }
        try {
            SimulationInput.of(ScenarioParser.parse(yaml.toString(), "h.yaml"), null);
        } catch (ScenarioException e) {
            return e;
        }
        throw new AssertionError("expected the hypotheses to be rejected: " + List.of(hypotheses));
    }

    @Test
    void everyFunctionMeasuresWhatItSays() {
        // The count-2 experiment picks both groups' instances; db's last healthy instance is refused by a guardrail.
        List<HypothesisResult> results = check(
                "availability(api) >= 99.8", "kills(api) == 1", "kills(db) == 0", "killsTotal() == 1",
                "refusals(db) == 1", "refusals(api) == 0", "recoverySeconds(api) == 70", "p50(recoverySeconds) == 70",
                "p95(recoverySeconds) == 70", "max(recoverySeconds) == 70", "notRecovered() == 0");

        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.expression().text() + " measured " + r.value()).isTrue());
        assertThat(results.get(0).value()).isEqualTo(100.0 * 1_796_500 / 1_800_000);
    }

    @Test
    void everyOperatorComparesAsWritten() {
        List<HypothesisResult> results = check("kills(api) >= 1", "kills(api) >= 2", "kills(api) <= 1", "kills(api) <= 0",
                "kills(api) > 0", "kills(api) > 1", "kills(api) < 2", "kills(api) < 1", "kills(api) == 1", "kills(api) == 1.5");

        assertThat(results).extracting(HypothesisResult::passed)
                .containsExactly(true, false, true, false, true, false, true, false, true, false);
    }

    @Test
    void aRecoveryStatisticOverNoKillsFailsBecauseNothingWasMeasured() {
        HypothesisResult result = check("recoverySeconds(db) <= 100").get(0);

        assertThat(result.value()).isNaN();
        assertThat(result.passed()).isFalse();
        assertThat(result.note()).isEqualTo("nothing to measure: no kills");
    }

    @Test
    void spacingAndNumberFormsAreFlexible() {
        assertThat(check("availability( api )>=99.8", "kills(api)==1.0", "killsTotal ( ) < 1e1"))
                .allMatch(HypothesisResult::passed);
    }

    @Test
    void unknownFunctionsAndNamesAreInputErrorsWithFileLineAndKey() {
        ScenarioException e = invalid("availabilty(api) >= 99", "availability(apu) >= 99", "kills(dbx) == 0",
                "p50(api) < 3", "killsTotal(api) == 1", "api is up", "kills(api) = 1");

        // hypotheses start on line 11 of WORLD: one per line
        assertThat(e.messages()).containsExactly(
                "h.yaml:11:hypotheses[0]: unknown function 'availabilty' (did you mean 'availability'?); functions: "
                        + "availability, kills, killsTotal, refusals, recoverySeconds, p50, p95, max, notRecovered",
                "h.yaml:12:hypotheses[1]: availability(apu): no service 'apu' in the scenario (did you mean 'api'?); services: api",
                "h.yaml:13:hypotheses[2]: kills(dbx): no group 'dbx' in the scenario (did you mean 'db'?); groups: api, db",
                "h.yaml:14:hypotheses[3]: p50(api): p50 is taken over recovery times; write p50(recoverySeconds)",
                "h.yaml:15:hypotheses[4]: killsTotal(api): killsTotal() takes no argument",
                "h.yaml:16:hypotheses[5]: 'api is up' is not FUNCTION(ARG) OP NUMBER with OP one of >= <= > < ==, e.g. availability(api) >= 99.9",
                "h.yaml:17:hypotheses[6]: 'kills(api) = 1' is not FUNCTION(ARG) OP NUMBER with OP one of >= <= > < ==, e.g. availability(api) >= 99.9");
    }

    @Test
    void comparisonsHoldExactlyAsTheirSymbolsSay() {
        assertThat(Comparison.AT_LEAST.holds(1, 1)).isTrue();
        assertThat(Comparison.GREATER.holds(1, 1)).isFalse();
        assertThat(Comparison.LESS.holds(Double.POSITIVE_INFINITY, 1e300)).isFalse();
        assertThatThrownBy(() -> invalid("kills(api) == 1")).isInstanceOf(AssertionError.class);
    }
}
