package dev.macaque.provider.gcp;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GcpProviderFactoryTest {
    private final GcpProviderFactory factory = new GcpProviderFactory();

    @TempDir
    Path dir;

    @Test
    void isDiscoveredByServiceLoaderAsTypeGcpOnTheCurrentSpi() {
        List<ProviderFactory> found = ServiceLoader.load(ProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.type().equals("gcp")).toList();

        assertThat(found).singleElement().isInstanceOf(GcpProviderFactory.class);
        assertThat(factory.spiVersion()).isEqualTo(SpiVersion.CURRENT);
        assertThat(factory.description()).contains("managed instance groups");
    }

    @Test
    void documentsEveryKeyItReads() {
        assertThat(factory.configKeys()).extracting(ConfigKey::name).containsExactly("projects", "regions", "zones",
                "credentialsFile", "endpoint", "terminateAction", "operationTimeout", "requestTimeout");
        // opt-in is on the resource only, and the engine's retry is the only one: neither has a key any more
        assertThat(factory.configKeys()).extracting(ConfigKey::name).doesNotContain("optInGroups", "maxAttempts");
        assertThat(factory.configKeys()).filteredOn(ConfigKey::required).extracting(ConfigKey::name)
                .containsExactly("projects");
        // credentialsFile holds a path, not the secret itself: the key's content is never read into config or logs
        assertThat(factory.configKeys()).filteredOn(ConfigKey::secret).isEmpty();
        assertThat(factory.configKeys()).allSatisfy(k -> assertThat(k.description()).isNotBlank());
    }

    @Test
    void parsesACompleteConfiguration() {
        GcpConfig config = GcpConfig.parse(Map.of("projects", "shop-prod, shop-staging", "regions", "europe-west1",
                "zones", "us-central1-a,us-central1-b", "endpoint", "https://compute-psc1.p.googleapis.com/",
                "terminateAction", "recreate", "operationTimeout", "PT2M", "requestTimeout", "30s"));

        assertThat(config.projects()).containsExactly("shop-prod", "shop-staging");
        assertThat(config.endpoint()).contains("https://compute-psc1.p.googleapis.com");
        assertThat(config.terminateAction()).isEqualTo(TerminateAction.RECREATE);
        assertThat(config.operationTimeout()).hasSeconds(120);
        assertThat(config.requestTimeout()).hasSeconds(30);
        assertThat(config.covers("europe-west1")).isTrue();
        assertThat(config.covers("europe-west1-d")).isTrue();
        assertThat(config.covers("us-central1-b")).isTrue();
        assertThat(config.covers("us-central1")).isFalse();
        assertThat(config.covers("us-central1-c")).isFalse();
    }

    @Test
    void recognisesRegionsAndZonesOfEveryNamingShape() {
        GcpConfig config = GcpConfig.parse(Map.of("projects", "shop-prod",
                "regions", "northamerica-northeast1,europe-west10,u-france-east1"));

        assertThat(config.covers("northamerica-northeast1-a")).isTrue();
        assertThat(config.covers("europe-west10-c")).isTrue();
        assertThat(config.covers("europe-west1-c")).isFalse();
        assertThat(config.covers("u-france-east1")).isTrue();
        assertThat(config.covers("u-france-east1-b")).isTrue();
    }

    @Test
    void defaultsToDeletingTheVm() {
        GcpConfig config = GcpConfig.parse(Map.of("projects", "shop-prod"));

        assertThat(config.terminateAction()).isEqualTo(TerminateAction.DELETE_VM);
        assertThat(config.operationTimeout()).hasMinutes(5);
        assertThat(config.credentialsFile()).isEmpty();
        assertThat(config.covers("asia-east1-a")).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "projects||required",
            "projects|Shop_Prod|Shop_Prod",
            "regions|europe-west1-b|europe-west1-b",
            "zones|europe-west1|europe-west1",
            "terminateAction|kill|deleteVm|recreate|deleteInstances",
            "operationTimeout|soon|soon",
            "endpoint|compute.googleapis.com|scheme",
            "credentialsFile|/no/such/key.json|/no/such/key.json",
    })
    void rejectsInvalidConfigurationNamingTheKey(String key, String value, String expected) {
        Map<String, String> config = new HashMap<>(Map.of("projects", "shop-prod"));
        config.put(key, value == null ? "" : value);

        assertThatThrownBy(() -> factory.create(context(config, new ArrayList<>())))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("'" + key + "'").contains(expected);
                });
    }

    @Test
    void aServiceAccountKeyFileAuthenticatesCallsAndItsSecretIsNeverLogged() throws Exception {
        WireMockServer wire = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wire.start();
        try {
            String token = "ya29.test-access-token";
            wire.stubFor(post(urlPathEqualTo("/token")).willReturn(aResponse().withHeader("Content-Type",
                    "application/json").withBody("{\"access_token\": \"" + token
                    + "\", \"expires_in\": 3600, \"token_type\": \"Bearer\"}")));
            wire.stubFor(get(urlPathEqualTo("/compute/v1/projects/shop-prod/aggregated/instanceGroupManagers"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{}")));
            String privateKey = ServiceAccountKeys.pkcs8Pem();
            Path keyFile = dir.resolve("macaque-sa.json");
            Files.writeString(keyFile, ServiceAccountKeys.json(privateKey, "http://127.0.0.1:" + wire.port() + "/token"));
            List<String> logged = new ArrayList<>();

            try (CloudProvider provider = factory.create(context(Map.of("projects", "shop-prod",
                    "credentialsFile", keyFile.toString(), "endpoint", "http://127.0.0.1:" + wire.port()), logged))) {
                assertThat(provider.listGroups(GroupFilter.ALL)).isEmpty();
            }

            wire.verify(getRequestedFor(urlPathEqualTo("/compute/v1/projects/shop-prod/aggregated/instanceGroupManagers"))
                    .withHeader("Authorization", WireMock.equalTo("Bearer " + token)));
            assertThat(logged).isNotEmpty().allSatisfy(line -> {
                assertThat(line).doesNotContain("PRIVATE KEY").doesNotContain(privateKey.substring(40, 80))
                        .doesNotContain(token);
            });
            assertThat(logged).anySatisfy(line -> assertThat(line).contains("key file " + keyFile));
        } finally {
            wire.stop();
        }
    }

    @Test
    void aKeyFileThatIsNotAServiceAccountKeyIsRejectedWithoutQuotingIt() throws Exception {
        Path keyFile = dir.resolve("broken.json");
        Files.writeString(keyFile, "{\"type\": \"service_account\", \"private_key\": \"s3cr3t-material\"}");

        assertThatThrownBy(() -> factory.create(context(Map.of("projects", "shop-prod",
                "credentialsFile", keyFile.toString()), new ArrayList<>())))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
                    assertThat(e.getMessage()).contains("credentialsFile").contains(keyFile.toString())
                            .doesNotContain("s3cr3t");
                });
    }

    private static ProviderContext context(Map<String, String> config, List<String> logged) {
        System.Logger logger = new System.Logger() {
            @Override
            public String getName() {
                return "test";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                logged.add(msg + (thrown == null ? "" : " " + thrown));
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                logged.add(params == null ? format : MessageFormat.format(format, params));
            }
        };
        return new ProviderContext() {
            @Override
            public String instanceId() {
                return "gcp-prod";
            }

            @Override
            public Map<String, String> config() {
                return config;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public System.Logger logger() {
                return logger;
            }
        };
    }
}
