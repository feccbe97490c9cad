package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.simulated.scenario.ScenarioException;
import dev.macaque.simulated.scenario.ScenarioParser;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosPlanParserTest {
    private static final String WORLD = """
            name: c
            duration: 1d
            groups:
              - {name: api, region: us-east-1, zones: [a], desired: 2, tags: {macaque-enabled: "true"}}
            chaos:
            """;

    private static List<String> errors(String chaos) {
        try {
            SimulationInput.of(ScenarioParser.parse(WORLD + chaos, "c.yaml"), null);
        } catch (ScenarioException e) {
            return e.messages();
        }
        throw new AssertionError("expected errors for " + chaos);
    }

    @Test
    void validEntriesBecomeOneShotAndScheduledActions() {
        SimulationInput input = SimulationInput.of(ScenarioParser.parse(WORLD + """
                  - {at: 90m, experiment: {name: once, targets: {providers: [sim], groups: [api]}, selection: {mode: count, value: 1}}}
                  - schedule: {meanTimeBetweenKills: 3d, window: {zone: Europe/Paris}}
                    experiment: {name: monkey, guardrails: {minHealthyPercent: 75}}
                """, "c.yaml"), 5L);

        assertThat(input.scenario().seed()).isEqualTo(5);
        ChaosAction.OneShot once = (ChaosAction.OneShot) input.chaos().get(0);
        assertThat(once.at()).isEqualTo(Duration.ofMinutes(90));
        assertThat(once.experiment().name()).isEqualTo("once");
        assertThat(once.line()).isEqualTo(6);
        ChaosAction.Scheduled monkey = (ChaosAction.Scheduled) input.chaos().get(1);
        assertThat(monkey.schedule().name()).isEqualTo("monkey");
        assertThat(monkey.schedule().meanTimeBetweenKills()).isEqualTo(Duration.ofDays(3));
        assertThat(monkey.schedule().experiment().guardrails().minHealthyPercent()).isEqualTo(75);
        assertThat(monkey.line()).isEqualTo(7);
    }

    @Test
    void entryShapeErrorsNameTheEntryAndItsLine() {
        assertThat(errors("""
                  - {at: 1h, schedule: {meanTimeBetweenKills: 1d}, experiment: {name: x, selection: {mode: count, value: 1}}}
                  - {experiment: {name: x, selection: {mode: count, value: 1}}}
                  - {at: 1h}
                  - {att: 1h, at: 2h, experiment: {name: x, selection: {mode: count, value: 1}}}
                  - {at: 1 hour, experiment: {name: x, selection: {mode: count, value: 1}}}
                """)).containsExactly(
                "c.yaml:6:chaos[0]: has both 'at' and 'schedule'; a chaos entry is either a one-shot experiment (at) or a schedule",
                "c.yaml:7:chaos[1]: needs 'at' (a one-shot experiment, e.g. at: 2h) or 'schedule' (Chaos Monkey mode)",
                "c.yaml:8:chaos[2].experiment: is required: the experiment spec to run",
                "c.yaml:9:chaos[3].att: is not a known key (did you mean 'at'?); an entry has 'experiment' and either 'at' or 'schedule'",
                "c.yaml:10:chaos[4].at: '1 hour' is not a duration; expected a whole number and a unit ms, s, m, h or d, e.g. 500ms, 90s, 15m, 2h, 7d");
    }

    @Test
    void experimentAndScheduleErrorsCarryTheEnginesFieldPaths() {
        assertThat(errors("""
                  - {at: 1h, experiment: {name: x, selection: {mode: many, value: 1}, targets: {groups: [api2], providers: [aws]}}}
                  - schedule: {meanTimeBetweenKills: 0s, window: {zone: Mars/Olympus, from: "25:00"}}
                    experiment: {name: y, recovery: {timeout: 0s}}
                """)).contains(
                "c.yaml:7:chaos[1].schedule.meanTimeBetweenKills: must be > 0, was 0s",
                "c.yaml:7:chaos[1].schedule.window.zone: 'Mars/Olympus' is not an IANA time zone, e.g. Europe/Paris",
                "c.yaml:7:chaos[1].schedule.window.from: '25:00' is not a time of day (HH:MM or an hour 0-23)")
                .anyMatch(m -> m.startsWith("c.yaml:6:chaos[0].experiment.selection.mode: "))
                .anyMatch(m -> m.startsWith("c.yaml:7:chaos[1].experiment.recovery.timeout: "))
                .doesNotContain("c.yaml:6:chaos[0].experiment.targets.groups: names group 'api2'");
    }

    @Test
    void targetsNamingWhatTheWorldDoesNotHaveAreTypos() {
        assertThat(errors("""
                  - {at: 1h, experiment: {name: x, selection: {mode: count, value: 1}, targets: {groups: [apx], providers: [aws], regions: [eu-west-9]}}}
                """)).containsExactly(
                "c.yaml:6:chaos[0].experiment.targets.providers: 'aws' is not a provider of the simulation; its only provider is 'sim'",
                "c.yaml:6:chaos[0].experiment.targets.groups: names group 'apx', which the scenario does not have (did you mean 'api'?); groups: api",
                "c.yaml:6:chaos[0].experiment.targets.regions: names region 'eu-west-9', where the scenario has no group; regions: us-east-1");
    }

    @Test
    void anExperimentInsideTheScheduleIsRejectedWithWhereItBelongs() {
        assertThatThrownBy(() -> SimulationInput.of(ScenarioParser.parse(WORLD + """
                  - schedule: {meanTimeBetweenKills: 1d, experiment: {name: z}}
                    experiment: {name: z}
                """, "c.yaml"), null)).isInstanceOf(ScenarioException.class)
                .hasMessageContaining("c.yaml:6:chaos[0].schedule.experiment: write the experiment beside 'schedule'");
    }
}
