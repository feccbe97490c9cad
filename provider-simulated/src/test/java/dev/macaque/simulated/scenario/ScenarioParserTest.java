package dev.macaque.simulated.scenario;

import dev.macaque.text.Durations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScenarioParserTest {

    private static List<String> errorsOf(String yaml) {
        try {
            ScenarioParser.parse(yaml, "test.yaml");
        } catch (ScenarioException e) {
            return e.messages();
        }
        throw new AssertionError("expected the scenario to be rejected:\n" + yaml);
    }

    private static final String VALID_HEAD = """
            name: t
            duration: 1d
            groups:
              - {name: api, region: r1, zones: [a, b], desired: 2}
            """;

    @Test
    void readsTheExampleScenarioOfTheIssue() {
        Scenario s = ScenarioParser.parseResource("/scenarios/checkout-gameday.yaml");

        assertThat(s.name()).isEqualTo("checkout-gameday");
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.duration()).isEqualTo(Duration.ofDays(7));
        GroupSpec api = s.groups().get(0);
        assertThat(api).isEqualTo(new GroupSpec("api", "us-east-1", List.of("a", "b", "c"), 6,
                new BootTime(Duration.ofSeconds(60), Duration.ofSeconds(120)), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ZERO, 0, Map.of("macaque-enabled", "true", "macaque-weight", "2")));
        GroupSpec db = s.groups().get(1);
        assertThat(db.bootTime()).isEqualTo(BootTime.fixed(Duration.ofMinutes(5)));
        assertThat(db.replacementDelay()).as("default").isEqualTo(Duration.ofSeconds(10));
        assertThat(db.healthCheckGrace()).as("default").isEqualTo(Duration.ZERO);
        assertThat(s.services()).containsExactly(
                new ServiceSpec("db", "db", 1000, new Load.Constant(450), List.of(), Optional.empty()),
                new ServiceSpec("api", "api", 100, new Load.Constant(450), List.of("db"), Optional.empty()));
        assertThat(s.faults()).containsExactly(
                new FaultSpec.ZoneOutage("us-east-1", "a", Duration.ofDays(3), Duration.ofHours(1)),
                new FaultSpec.LaunchCapacityError("api", Duration.ofDays(5), Duration.ofMinutes(30)),
                new FaultSpec.Termination("db", Duration.ofDays(6)));
        assertThat(s.source()).isEqualTo("classpath:/scenarios/checkout-gameday.yaml");
    }

    @Test
    void keepsChaosEntriesRawWithTheirLines() {
        Scenario s = ScenarioParser.parseResource("/scenarios/checkout-gameday.yaml");

        assertThat(s.chaos()).hasSize(2);
        assertThat(s.chaos().get(0).line()).isEqualTo(17);
        assertThat(s.chaos().get(0).node().get("at").asText()).isEqualTo("2h");
        assertThat(s.chaos().get(0).node().at("/experiment/target/tags/macaque-enabled").asText()).isEqualTo("true");
        assertThat(s.chaos().get(1).line()).isEqualTo(18);
        assertThat(s.chaos().get(1).node().at("/schedule/every").asText()).isEqualTo("1h");
        assertThat(s.chaos().get(1).node().at("/experiment/kills").intValue()).isEqualTo(1);
    }

    @Test
    void keepsHypothesesAsTextWithTheirLines() {
        Scenario s = ScenarioParser.parseResource("/scenarios/checkout-gameday.yaml");

        assertThat(s.hypotheses()).containsExactly(new Hypothesis("availability(api) >= 99.9", 25),
                new Hypothesis("p95(recoverySeconds) <= 300", 26));
    }

    @Test
    void readsDailyLoadsAndOverloadCrash() {
        Scenario s = ScenarioParser.parse(VALID_HEAD + """
                services:
                  - {name: api, group: api, capacityPerInstance: 50.5, load: {base: 10, peak: 90, peakAt: 14h},
                     overloadCrashAfter: 90s}
                """, "x.yaml");

        assertThat(s.services().get(0).load()).isEqualTo(new Load.Daily(10, 90, Duration.ofHours(14)));
        assertThat(s.services().get(0).capacityPerInstance()).isEqualTo(50.5);
        assertThat(s.services().get(0).overloadCrashAfter()).contains(Duration.ofSeconds(90));
        assertThat(s.seed()).as("default seed").isZero();
    }

    @Test
    void anUnknownTopLevelKeyIsAnErrorWithFileLineAndASuggestion() {
        assertThat(errorsOf(VALID_HEAD + "hypothesis: []\n"))
                .containsExactly("test.yaml:5:hypothesis: unknown key 'hypothesis'; did you mean 'hypotheses'? (allowed: "
                        + "name, seed, duration, groups, services, chaos, faults, hypotheses, probes)");
    }

    @Test
    void anUnknownGroupKeyNamesItsPath() {
        assertThat(errorsOf("""
                name: t
                duration: 1d
                groups:
                  - name: api
                    region: r1
                    zones: [a]
                    desired: 1
                    bootTim: 30s
                """)).singleElement().asString().startsWith("test.yaml:8:groups[0].bootTim: unknown key 'bootTim'; did you mean 'bootTime'?");
    }

    @Test
    void aBadDurationNamesLineKeyAndValue() {
        assertThat(errorsOf("""
                name: t
                duration: 1d
                groups:
                  - name: api
                    region: r1
                    zones: [a]
                    desired: 1
                    bootTime: {min: 30s, max: 2 minutes}
                """)).containsExactly("test.yaml:8:groups[0].bootTime.max: '2 minutes' is not a duration; expected a whole "
                + "number and a unit ms, s, m, h or d, e.g. 500ms, 90s, 15m, 2h, 7d");
    }

    @Test
    void aServiceOnAMissingGroupIsAnError() {
        assertThat(errorsOf(VALID_HEAD + """
                services:
                  - {name: web, group: frontend, capacityPerInstance: 10, load: 5}
                """)).containsExactly("test.yaml:6:services[0].group: service web is served by group 'frontend', which is "
                + "not defined; groups: [api]");
    }

    @Test
    void aDependencyCycleIsAnError() {
        assertThat(errorsOf(VALID_HEAD + """
                services:
                  - {name: a, group: api, capacityPerInstance: 10, load: 5, dependsOn: [b]}
                  - {name: b, group: api, capacityPerInstance: 10, load: 5, dependsOn: [c]}
                  - {name: c, group: api, capacityPerInstance: 10, load: 5, dependsOn: [a]}
                """)).containsExactly("test.yaml:6:services[0].dependsOn: services depend on each other in a cycle: a -> b -> c -> a");
    }

    @Test
    void anUnknownDependencyIsAnError() {
        assertThat(errorsOf(VALID_HEAD + """
                services:
                  - name: a
                    group: api
                    capacityPerInstance: 10
                    load: 5
                    dependsOn: [db]
                """)).containsExactly("test.yaml:10:services[0].dependsOn[0]: service a depends on 'db', which is not defined");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        List<String> errors = errorsOf("""
                name: t
                groups:
                  - {name: api, region: r1, zones: [], desired: -1, launchFailureRate: 2}
                  - {name: api, region: r1, zones: [a], desired: 1}
                faults:
                  - {zoneOutage: {region: r1, zone: z}, at: 1h, duration: 1h}
                  - {launchCapacityError: {group: nope}, at: 1h}
                """);

        assertThat(errors).containsExactlyInAnyOrder(
                "test.yaml:1:duration: missing required key 'duration' (how long to simulate, e.g. 7d)",
                "test.yaml:3:groups[0].zones: zones must be a non-empty list of zone names, found a list",
                "test.yaml:3:groups[0].desired: desired must be an integer from 0 to 1000000, found -1",
                "test.yaml:3:groups[0].launchFailureRate: launchFailureRate must be a number in [0, 1), found 2",
                "test.yaml:6:faults[0].zoneOutage.zone: no group in region 'r1' has zone 'z'",
                "test.yaml:7:faults[1].duration: missing required key 'duration' (how long the launchCapacityError lasts)",
                "test.yaml:7:faults[1].launchCapacityError.group: group 'nope' is not defined");
    }

    @Test
    void duplicateNamesAndKeysAreErrors() {
        assertThat(errorsOf("""
                name: t
                duration: 1d
                duration: 2d
                groups:
                  - {name: api, region: r1, zones: [a], desired: 1}
                  - {name: api, region: r2, zones: [a], desired: 1}
                """)).containsExactly("test.yaml:3:duration: duplicate key 'duration'",
                "test.yaml:6:groups[1].name: group name 'api' is already used at groups[0]");
    }

    @Test
    void chaosMustBeObjectsAndHypothesesStrings() {
        assertThat(errorsOf(VALID_HEAD + """
                chaos:
                  - kill everything
                hypotheses:
                  - {availability: 99}
                """)).containsExactly(
                "test.yaml:6:chaos[0]: a chaos entry must be a mapping (e.g. {at: 2h, experiment: {...}}), found 'kill everything'",
                "test.yaml:8:hypotheses[0]: a hypothesis must be a non-empty string such as \"availability(api) >= 99.9\", "
                        + "found a mapping");
    }

    @Test
    void aFaultAfterTheEndOfTheRunIsAnError() {
        assertThat(errorsOf(VALID_HEAD + """
                faults:
                  - {terminate: {group: api}, at: 2d}
                """)).containsExactly("test.yaml:6:faults[0].at: fault starts at 2d, after the run ends (1d)");
    }

    @Test
    void invalidYamlReportsTheLine() {
        assertThat(errorsOf("name: t\nduration: 1d\ngroups: [\n  {name: a\n")).singleElement().asString()
                .startsWith("test.yaml:").contains(": not valid YAML: ");
    }

    @Test
    void aSecondYamlDocumentIsAnError() {
        assertThat(errorsOf(VALID_HEAD + "---\nname: other\n"))
                .containsExactly("test.yaml:6:: a scenario file holds one YAML document; found another one here");
    }

    @Test
    void aDocumentThatIsNotAMappingIsAnError() {
        assertThat(errorsOf("- a\n- b\n")).singleElement().asString().startsWith("test.yaml:1:: a scenario must be a mapping");
    }

    @Test
    void durationsParseAndFormatInEveryUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> Durations.parse("1.5h")).hasMessageContaining("'1.5h' is not a duration");
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("'-1s' is not a duration");
    }

    @Test
    void theBuiltInDemoWorldIsValid() {
        Scenario demo = ScenarioParser.parseResource("/dev/macaque/simulated/demo-world.yaml");

        assertThat(demo.groups()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(demo.groups().stream().map(GroupSpec::region).distinct()).hasSize(2);
        assertThat(demo.groups()).anySatisfy(g -> assertThat(g.tags()).containsEntry("macaque-enabled", "false"));
        assertThat(demo.groups().stream().map(g -> g.tags().get("macaque-weight")).distinct().count()).isGreaterThan(2);
    }
}
