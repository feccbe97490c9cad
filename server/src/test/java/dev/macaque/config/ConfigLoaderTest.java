package dev.macaque.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("macaque.yaml");
        Files.writeString(file, text);
        return file;
    }

    private static ConfigException errorsOf(Runnable load) {
        try {
            load.run();
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void builtInDefaultsAreLeashedOnLoopbackWithTheSimulatedDemoWorld() {
        MacaqueConfig config = new ConfigLoader(Map.of()).load(null);

        assertThat(config.mode()).isEqualTo(MacaqueConfig.Mode.LEASHED);
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.server().port()).isEqualTo(8080);
        assertThat(config.server().shutdownTimeout()).isEqualTo("10s");
        assertThat(config.plugins().directory()).isEqualTo("plugins");
        assertThat(config.logging().format()).isEqualTo(MacaqueConfig.LoggingConfig.Format.TEXT);
        assertThat(config.providers()).containsOnlyKeys("sim");
        assertThat(config.providers().get("sim")).containsEntry("type", "simulated").containsEntry("world", "demo");
    }

    @Test
    void aFileSetsValuesAndLeavesTheRestAtTheirDefaults() throws Exception {
        MacaqueConfig config = new ConfigLoader(Map.of()).load(yaml("""
                server:
                  port: 9090
                mode: unleashed
                logging:
                  format: json
                providers:
                  aws-prod:
                    type: aws
                    regions: [us-east-1, eu-west-1]
                """));

        assertThat(config.server().port()).isEqualTo(9090);
        assertThat(config.server().host()).isEqualTo("127.0.0.1");
        assertThat(config.mode()).isEqualTo(MacaqueConfig.Mode.UNLEASHED);
        assertThat(config.logging().format()).isEqualTo(MacaqueConfig.LoggingConfig.Format.JSON);
        assertThat(config.providers().get("aws-prod")).containsEntry("type", "aws");
    }

    @Test
    void theShippedExampleConfigurationIsValid() {
        MacaqueConfig config = new ConfigLoader(Map.of()).load(Path.of("src/dist/conf/macaque.yaml"));

        assertThat(config.mode()).isEqualTo(MacaqueConfig.Mode.LEASHED);
        assertThat(config.providers().get("sim")).containsEntry("type", "simulated");
    }

    @Test
    void anUnknownKeyIsReportedWithFileLineAndASuggestion() throws Exception {
        Path file = yaml("""
                server:
                  host: 127.0.0.1
                  prot: 9090
                """);

        ConfigException e = errorsOf(() -> new ConfigLoader(Map.of()).load(file));

        assertThat(e.errors()).singleElement().asString()
                .startsWith(file + ":3:")
                .contains("unknown key 'server.prot'")
                .contains("did you mean 'port'?");
    }

    @Test
    void stopConditionsUseTheSteadyStateSyntaxAndEveryErrorIsReported() throws Exception {
        Path good = yaml("""
                safety:
                  stopConditions:
                    every: 30s
                    probes:
                      - name: shop-health
                        http: {url: "https://shop.example/health", headers: {Authorization: "${env:SHOP_TOKEN}"}}
                      - name: error-rate
                        prometheus: {url: "http://prometheus:9090", query: "sum(rate(errors[1m]))", max: 5}
                """);
        MacaqueConfig config = new ConfigLoader(Map.of()).load(good);
        assertThat(config.safety().stopConditionProbes().probes()).extracting(p -> p.name())
                .containsExactly("shop-health", "error-rate");

        Path bad = yaml("""
                safety:
                  stopConditions:
                    probes:
                      - name: a
                        http: {url: "ftp://x"}
                      - name: b
                        service: {name: api, minSuccessPercent: 99}
                """);
        ConfigException e = errorsOf(() -> new ConfigLoader(Map.of()).load(bad));
        assertThat(e.errors()).containsExactlyInAnyOrder(
                bad + ": safety.stopConditions.probes[0].http.url must be an absolute http or https URL, was \"ftp://x\"",
                bad + ": safety.stopConditions.probes[1].service reads the simulated world and only runs in 'macaque simulate'; "
                        + "a server's stop condition is an http or prometheus probe");
    }

    @Test
    void aValueOfTheWrongTypeNamesItsKey() throws Exception {
        Path file = yaml("server:\n  port: lots\n");

        ConfigException e = errorsOf(() -> new ConfigLoader(Map.of()).load(file));

        assertThat(e.getMessage()).contains(file + ":2:").contains("server.port");
    }

    @Test
    void semanticErrorsAreAllReportedAtOnce() throws Exception {
        Path file = yaml("""
                server:
                  port: 70000
                  shutdownTimeout: soon
                logging:
                  level: LOUD
                providers:
                  Bad_Id:
                    type: aws
                  notype:
                    region: x
                """);

        ConfigException e = errorsOf(() -> new ConfigLoader(Map.of()).load(file));

        assertThat(e.errors()).hasSize(5);
        assertThat(e.getMessage())
                .contains("server.port must be between 0 and 65535, was 70000")
                .contains("server.shutdownTimeout: 'soon' is not a duration")
                .contains("logging.level must be one of")
                .contains("providers.Bad_Id")
                .contains("providers.notype.type is required");
    }

    @Test
    void anInvalidModeIsRejected() throws Exception {
        Path file = yaml("mode: yolo\n");

        assertThat(errorsOf(() -> new ConfigLoader(Map.of()).load(file)).getMessage()).contains("mode");
    }

    @Test
    void anUnreadableFileIsReportedAsSuch() {
        Path missing = dir.resolve("nope.yaml");

        assertThat(errorsOf(() -> new ConfigLoader(Map.of()).load(missing)).getMessage())
                .contains(missing.toString()).contains("cannot read configuration file");
    }

    @Test
    void scorecardSettingsHaveDefaultsAndAreReadFromTheFileAndTheEnvironment() throws Exception {
        MacaqueConfig defaults = new ConfigLoader(Map.of()).load(null);
        assertThat(defaults.scorecard()).isEqualTo(new MacaqueConfig.ScorecardConfig("30d", "team", 12));
        assertThat(defaults.notifications().weeklyReport()).isFalse();

        Path file = yaml("""
                scorecard: {freshness: 14d, groupBy: owner}
                notifications:
                  weeklyReport: true
                  webhooks: [{url: "http://127.0.0.1:9/hook"}]
                """);
        MacaqueConfig config = new ConfigLoader(Map.of("MACAQUE_SCORECARD_TREND_WEEKS", "4")).load(file);
        assertThat(config.scorecard()).isEqualTo(new MacaqueConfig.ScorecardConfig("14d", "owner", 4));
        assertThat(config.notifications().weeklyReport()).isTrue();
    }

    @Test
    void invalidScorecardSettingsAreAllReportedWithTheirKeys() throws Exception {
        Path file = yaml("""
                scorecard: {freshness: a month, groupBy: "team name", trendWeeks: 0}
                notifications: {weeklyReport: true}
                """);
        String message = errorsOf(() -> new ConfigLoader(Map.of()).load(file)).getMessage();
        assertThat(message).contains("scorecard.freshness: ").contains("scorecard.groupBy must be a tag key")
                .contains("scorecard.trendWeeks must be between 1 and 104, was 0")
                .contains("notifications.weeklyReport is true but no notifications.webhooks are configured");
        Path misspelt = yaml("scorecard: {freshnes: 30d}");
        assertThat(errorsOf(() -> new ConfigLoader(Map.of()).load(misspelt)).getMessage())
                .contains("unknown key 'scorecard.freshnes' (did you mean 'freshness'?)");
    }

    @Test
    void environmentVariablesOverrideEveryKeyIncludingProviderKeys() throws Exception {
        Path file = yaml("""
                server:
                  port: 9090
                providers:
                  sim:
                    type: simulated
                    speed: 60
                """);
        Map<String, String> env = Map.of(
                "MACAQUE_SERVER_PORT", "9191",
                "MACAQUE_SERVER_SHUTDOWN_TIMEOUT", "3s",
                "MACAQUE_MODE", "unleashed",
                "MACAQUE_PROVIDERS_SIM_SPEED", "600",
                "MACAQUE_HOME", "/opt/macaque",
                "PATH", "/usr/bin");

        MacaqueConfig config = new ConfigLoader(env).load(file);

        assertThat(config.server().port()).isEqualTo(9191);
        assertThat(config.server().shutdownTimeout()).isEqualTo("3s");
        assertThat(config.mode()).isEqualTo(MacaqueConfig.Mode.UNLEASHED);
        assertThat(String.valueOf(config.providers().get("sim").get("speed"))).isEqualTo("600");
    }

    @Test
    void anEnvironmentVariableThatMatchesNoKeyIsAnErrorWithASuggestion() {
        ConfigException e = errorsOf(() -> new ConfigLoader(Map.of("MACAQUE_SERVER_PROT", "1")).load(null));

        assertThat(e.getMessage()).contains("MACAQUE_SERVER_PROT matches no configuration key").contains("MACAQUE_SERVER_PORT");
    }

    @Test
    void anEnvironmentOverrideIsValidatedLikeTheFile() {
        ConfigException e = errorsOf(() -> new ConfigLoader(Map.of("MACAQUE_SERVER_PORT", "-5")).load(null));

        assertThat(e.getMessage()).contains("server.port must be between 0 and 65535, was -5");
    }

    @Test
    void theInventoryRefreshDefaultsToAMinuteAndIsValidatedLikeEveryDuration() {
        assertThat(new ConfigLoader(Map.of()).load(null).inventory().refresh()).isEqualTo("60s");
        assertThat(new ConfigLoader(Map.of("MACAQUE_INVENTORY_REFRESH", "15s")).load(null).inventory().refresh()).isEqualTo("15s");

        assertThat(errorsOf(() -> new ConfigLoader(Map.of("MACAQUE_INVENTORY_REFRESH", "soon")).load(null)).getMessage())
                .contains("inventory.refresh: ");
        assertThat(errorsOf(() -> new ConfigLoader(Map.of("MACAQUE_INVENTORY_REFRESH", "2h")).load(null)).getMessage())
                .contains("inventory.refresh must be between 1s and 1h, was '2h'");
        assertThat(errorsOf(() -> new ConfigLoader(Map.of("MACAQUE_INVENTORY_REFRESH", "500ms")).load(null)).getMessage())
                .contains("inventory.refresh must be between 1s and 1h, was '500ms'");
    }

    @Test
    void environmentNamesFollowTheDocumentedRule() {
        assertThat(ConfigLoader.envName("database.url")).isEqualTo("MACAQUE_DATABASE_URL");
        assertThat(ConfigLoader.envName("server.shutdownTimeout")).isEqualTo("MACAQUE_SERVER_SHUTDOWN_TIMEOUT");
        assertThat(ConfigLoader.envName("providers.aws-prod.roleArn")).isEqualTo("MACAQUE_PROVIDERS_AWS_PROD_ROLE_ARN");
    }

    @Test
    void chaosMonkeySectionsHaveDefaultsAndAreRead() throws Exception {
        MacaqueConfig defaults = new ConfigLoader(Map.of()).load(null);
        assertThat(defaults.schedules()).isEmpty();
        assertThat(defaults.cluster().leaseDuration()).isEqualTo("30s");
        assertThat(defaults.cluster().pollInterval()).isEqualTo("5s");
        assertThat(defaults.cluster().nodeId()).isNull();
        assertThat(defaults.outageCheck().providerHealth()).isTrue();
        assertThat(defaults.notifications().maxAttempts()).isEqualTo(5);

        MacaqueConfig config = new ConfigLoader(Map.of("MACAQUE_CLUSTER_NODE_ID", "node-b", "MACAQUE_OUTAGE_CHECK_PROVIDER_HEALTH", "false"))
                .load(yaml("""
                schedules:
                  - name: weekday-chaos
                    meanTimeBetweenKills: 5d
                    experiment: {targets: {tags: {team: payments}}}
                    window: {zone: Europe/Paris, holidays: [2026-12-25]}
                notifications:
                  webhooks:
                    - {url: "https://hooks.example.com/x", secret: s3cret, events: [termination, killswitch]}
                cluster: {nodeId: node-a, leaseDuration: 20s, pollInterval: 2s}
                outageCheck: {url: "http://status.internal/healthy"}
                """));
        assertThat(config.schedules()).singleElement().satisfies(s -> assertThat(s.get("name")).isEqualTo("weekday-chaos"));
        assertThat(config.notifications().webhooks()).singleElement().satisfies(w -> {
            assertThat(w.events()).containsExactly("termination", "killswitch");
            assertThat(w.toString()).doesNotContain("s3cret");
        });
        assertThat(config.cluster().nodeId()).isEqualTo("node-b");
        assertThat(config.cluster().leaseDuration()).isEqualTo("20s");
        assertThat(config.outageCheck().providerHealth()).isFalse();
        assertThat(config.outageCheck().url()).isEqualTo("http://status.internal/healthy");
    }

    @Test
    void invalidChaosMonkeySettingsAreAllReportedWithTheirPath() throws Exception {
        Path file = yaml("""
                schedules:
                  - name: a
                    meanTimeBetweenKills: 5d
                    experiment: {}
                    window: {zone: Mars/Base}
                  - name: b
                    experiment: {}
                notifications:
                  webhooks: [{url: "ftp://x", events: [everything]}]
                cluster: {leaseDuration: 5s, pollInterval: 5s}
                """);
        String message = errorsOf(() -> new ConfigLoader(Map.of()).load(file)).getMessage();
        assertThat(message).contains("schedules[0].window.zone").contains("schedules[1].meanTimeBetweenKills")
                .contains("notifications.webhooks[0].url").contains("'everything' is not an event")
                .contains("cluster.leaseDuration (5s) must be at least twice cluster.pollInterval");
    }

    @Test
    void aFileOfOnlyCommentsMeansTheBuiltInDefaults() throws Exception {
        MacaqueConfig config = new ConfigLoader(Map.of()).load(yaml("""
                # everything commented out, as an operator might leave it
                #server:
                #  port: 9090

                """));

        assertThat(config).isEqualTo(new ConfigLoader(Map.of()).load(null));
        assertThat(config.providers()).containsOnlyKeys("sim");
    }

    @Test
    void anEmptyFileMeansTheBuiltInDefaults() throws Exception {
        assertThat(new ConfigLoader(Map.of()).load(yaml(""))).isEqualTo(new ConfigLoader(Map.of()).load(null));
    }

    @Test
    void aBinaryFileIsRejectedWithAnErrorNamingIt() throws Exception {
        Path notUtf8 = dir.resolve("macaque.yaml.gz");
        Files.write(notUtf8, new byte[] {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xff, (byte) 0xfe, 0x00, 0x03});
        assertThat(errorsOf(() -> new ConfigLoader(Map.of()).load(notUtf8)).errors())
                .singleElement().asString().startsWith(notUtf8 + ": not a text file");

        Path withNul = dir.resolve("macaque.bin");
        Files.write(withNul, new byte[] {'s', 'e', 'r', 'v', 'e', 'r', ':', 0x00, 0x01, '\n'});
        assertThat(errorsOf(() -> new ConfigLoader(Map.of()).load(withNul)).errors())
                .singleElement().asString().startsWith(withNul + ": not a text file").contains("U+0000");
    }

    @Test
    void passwordsInTheDatabaseUrlNeverReachAnErrorOrTheConfigsText() throws Exception {
        Path file = yaml("database:\n  url: jdbc:mysql://db/m?user=u&password=hunter2\n");
        ConfigException invalid = errorsOf(() -> new ConfigLoader(Map.of()).load(file));
        assertThat(String.join("\n", invalid.errors())).contains("jdbc:mysql://db/m?user=u&password=****").doesNotContain("hunter2");
        assertThat(new MacaqueConfig.DatabaseConfig("jdbc:postgresql://db/m?password=hunter2", "u", "p", 1).toString())
                .doesNotContain("hunter2");
    }

    @Test
    void jdbcUrlsAreRedactedInEveryFormACredentialTakes() {
        assertThat(JdbcUrls.redact("jdbc:postgresql://db:5432/macaque?user=mq&password=s3cr%3Bet&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/macaque?user=mq&password=****&ssl=true");
        assertThat(JdbcUrls.redact("jdbc:h2:file:./data/macaque;PASSWORD=s3cret;WRITE_DELAY=0"))
                .isEqualTo("jdbc:h2:file:./data/macaque;PASSWORD=****;WRITE_DELAY=0");
        assertThat(JdbcUrls.redact("jdbc:postgresql://mq:s3cret@db/macaque")).isEqualTo("jdbc:postgresql://mq:****@db/macaque");
        assertThat(JdbcUrls.redact("jdbc:h2:file:./data/macaque")).isEqualTo("jdbc:h2:file:./data/macaque");
    }
}
