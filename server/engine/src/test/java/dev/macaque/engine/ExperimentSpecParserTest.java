package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.ExperimentSpec.Recovery;
import dev.macaque.engine.ExperimentSpec.SelectionMode;
import dev.macaque.engine.ExperimentSpec.Targets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExperimentSpecParserTest {
    private final ExperimentSpecParser parser = new ExperimentSpecParser();

    @Test
    void readsTheDocumentedJsonExample() {
        ExperimentSpec spec = parser.parse("""
                { "name": "kill-one-api",
                  "targets":    {"providers": ["sim"], "regions": ["us-east-1"], "groups": ["api"], "tags": {"team": "payments"}},
                  "selection":  {"mode": "count", "value": 1},
                  "guardrails": {"minHealthyPercent": 50, "maxTerminations": 5},
                  "recovery":   {"timeout": "10m"},
                  "dryRun": false,
                  "seed": 1234 }
                """);
        assertThat(spec.name()).isEqualTo("kill-one-api");
        assertThat(spec.targets()).isEqualTo(new Targets(Set.of("sim"), Set.of("us-east-1"), Set.of("api"), Map.of("team", "payments")));
        assertThat(spec.selection().mode()).isEqualTo(SelectionMode.COUNT);
        assertThat(spec.selection().value()).isEqualTo(1.0);
        assertThat(spec.guardrails()).isEqualTo(new Guardrails(50, Guardrails.DEFAULT_MIN_HEALTHY_INSTANCES, 5, Duration.ZERO));
        assertThat(spec.recovery()).isEqualTo(new Recovery(Duration.ofMinutes(10), Recovery.DEFAULT_POLL_INTERVAL));
        assertThat(spec.dryRun()).isFalse();
        assertThat(spec.seed()).isEqualTo(1234L);
    }

    @Test
    void aMisspeltFieldIsAnsweredWithTheFieldItResembles() {
        SpecValidationException e = catchThrowableOfType(SpecValidationException.class, () -> parser.parse(
                "{\"name\": \"x\", \"selecton\": {\"mode\": \"count\", \"value\": 1}, \"dryrun\": true}"));
        assertThat(e.errors()).extracting(FieldError::toString)
                .anySatisfy(m -> assertThat(m).startsWith("selecton is not a known field; did you mean 'selection'? (known: "))
                .anySatisfy(m -> assertThat(m).startsWith("dryrun is not a known field; did you mean 'dryRun'? (known: "));
    }

    @Test
    void readsYamlWithEveryField() {
        ExperimentSpec spec = parser.parse("""
                name: half-the-workers
                targets:
                  tags: {tier: "2"}
                selection: {mode: perGroup, value: 0.5}
                guardrails:
                  minHealthyPercent: 75
                  minHealthyInstances: 2
                  maxTerminations: 3
                  minTimeBetweenKills: 1h
                recovery: {timeout: 5m, pollInterval: 10s}
                dryRun: true
                """);
        assertThat(spec.targets().tags()).containsExactly(Map.entry("tier", "2"));
        assertThat(spec.selection().mode()).isEqualTo(SelectionMode.PER_GROUP);
        assertThat(spec.guardrails()).isEqualTo(new Guardrails(75, 2, 3, Duration.ofHours(1)));
        assertThat(spec.recovery()).isEqualTo(new Recovery(Duration.ofMinutes(5), Duration.ofSeconds(10)));
        assertThat(spec.dryRun()).isTrue();
        assertThat(spec.seedIfAny()).isEmpty();
    }

    @Test
    void appliesTheDocumentedDefaultsWhenOptionalPartsAreOmitted() {
        ExperimentSpec spec = parser.parse("{\"name\": \"x\", \"selection\": {\"mode\": \"percent\", \"value\": 10}}");
        assertThat(spec.targets()).isEqualTo(Targets.ANY);
        assertThat(spec.guardrails()).isEqualTo(new Guardrails(50, 1, 10, Duration.ZERO));
        assertThat(spec.recovery()).isEqualTo(new Recovery(Duration.ofMinutes(10), Duration.ofSeconds(15)));
        assertThat(spec.dryRun()).isFalse();
        assertThat(spec.seed()).isNull();
    }

    @Test
    void aSeedAsAJsonNumberBeyondWhatJsonToolsKeepExactlyIsRefusedNamingSeed() {
        SpecValidationException e = catchThrowableOfType(SpecValidationException.class, () -> parser.parse(
                "{\"name\": \"x\", \"selection\": {\"mode\": \"count\", \"value\": 1}, \"seed\": 9007199254740993}"));
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.path()).isEqualTo("seed");
            assertThat(error.message()).contains("2^53-1").contains("decimal string");
        });
    }

    @Test
    void theLargestExactSeedIsAcceptedAsANumberAndAnyLongAsADecimalString() {
        assertThat(parser.parse("{\"name\": \"x\", \"selection\": {\"mode\": \"count\", \"value\": 1},"
                + " \"seed\": 9007199254740991}").seed()).isEqualTo(9007199254740991L);
        assertThat(parser.parse("{\"name\": \"x\", \"selection\": {\"mode\": \"count\", \"value\": 1},"
                + " \"seed\": \"-8070450532247928832\"}").seed()).isEqualTo(-8070450532247928832L);
        assertThat(catchThrowableOfType(SpecValidationException.class, () -> parser.parse("{\"name\": \"x\","
                + " \"selection\": {\"mode\": \"count\", \"value\": 1}, \"seed\": \"99999999999999999999\"}")).errors())
                .extracting(FieldError::path).containsExactly("seed");
    }

    @Test
    void reportsEveryErrorAtOnceEachNamingItsField() {
        SpecValidationException e = catchThrowableOfType(SpecValidationException.class, () -> parser.parse("""
                { "targets": {"regions": "us-east-1", "tags": {"team": ["a"]}, "zones": []},
                  "selection": {"mode": "count", "value": -1},
                  "guardrails": {"minHealthyPercent": 150, "maxTerminations": 0, "minTimeBetweenKills": "soon"},
                  "recovery": {"timeout": "0s"},
                  "dryRun": "yes",
                  "seed": 1.5,
                  "colour": "red" }
                """));
        assertThat(e.errors()).extracting(FieldError::toString).containsExactlyInAnyOrder(
                "colour is not a known field (known: concurrency, dryRun, guardrails, name, pacing, recovery, seed, selection, steadyState, targets)",
                "name is required",
                "targets.zones is not a known field (known: groups, providers, regions, scope, tags)",
                "targets.regions must be a list of strings, was \"us-east-1\"",
                "targets.tags.team must be a string, was a list",
                "selection.value must be > 0, was -1",
                "guardrails.minHealthyPercent must be <= 100, was 150",
                "guardrails.maxTerminations must be >= 1, was 0",
                "guardrails.minTimeBetweenKills 'soon' is not a duration; expected a whole number and a unit ms, s, m, h or d,"
                        + " e.g. 500ms, 90s, 15m, 2h, 7d",
                "recovery.timeout must be > 0, was 0s",
                "dryRun must be true or false, was \"yes\"",
                "seed must be a whole number that fits in 64 bits, was 1.5");
        assertThat(e.getMessage()).startsWith("12 errors: ");
    }

    @Test
    void checksTheValueAgainstTheMode() {
        assertThat(errorsOf("{\"name\":\"x\",\"selection\":{\"mode\":\"count\",\"value\":1.5}}"))
                .containsExactly("selection.value must be a whole number of instances for mode count, was 1.5");
        assertThat(errorsOf("{\"name\":\"x\",\"selection\":{\"mode\":\"percent\",\"value\":101}}"))
                .containsExactly("selection.value must be <= 100 for mode percent, was 101");
        assertThat(errorsOf("{\"name\":\"x\",\"selection\":{\"mode\":\"perGroup\",\"value\":2}}"))
                .containsExactly("selection.value must be a probability in (0, 1] for mode perGroup, was 2");
        assertThat(errorsOf("{\"name\":\"x\",\"selection\":{\"mode\":\"all\",\"value\":1}}"))
                .containsExactly("selection.mode must be count, percent, perGroup or zone, was \"all\"");
        assertThat(errorsOf("{\"name\":\"x\"}"))
                .containsExactly("selection is required, e.g. {\"mode\": \"count\", \"value\": 1}");
    }

    @Test
    void reportsSyntaxErrorsWithTheirPosition() {
        assertThat(errorsOf("{\"name\": \"x\",, }")).singleElement().asString()
                .startsWith("is not valid JSON at line 1, column");
        assertThat(errorsOf("name: [unclosed")).singleElement().asString().startsWith("is not valid YAML");
        assertThat(errorsOf("[1, 2]")).containsExactly("the experiment must be an object, was a list");
    }

    private java.util.List<String> errorsOf(String text) {
        return catchThrowableOfType(SpecValidationException.class, () -> parser.parse(text)).errors().stream()
                .map(FieldError::toString).toList();
    }

    @Test
    void everyDurationInASpecHasAnUpperBound() {
        assertThat(errorsOf("{\"name\":\"x\",\"selection\":{\"mode\":\"count\",\"value\":1},"
                + "\"recovery\":{\"timeout\":\"25h\",\"pollInterval\":\"2h\"},\"guardrails\":{\"minTimeBetweenKills\":\"366d\"}}"))
                .containsExactlyInAnyOrder("recovery.timeout must be at most 1d, was 25h", "recovery.pollInterval must be at most 1h, was 2h",
                        "guardrails.minTimeBetweenKills must be at most 365d, was 366d");
        assertThat(parser.parse("{\"name\":\"x\",\"selection\":{\"mode\":\"count\",\"value\":1},"
                + "\"recovery\":{\"timeout\":\"24h\",\"pollInterval\":\"1h\"}}").recovery().timeout()).isEqualTo(Duration.ofHours(24));
    }
}
