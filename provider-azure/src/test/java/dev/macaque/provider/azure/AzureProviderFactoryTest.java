package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.management.AzureEnvironment;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AzureProviderFactoryTest {
    private static final String SUB = "11111111-2222-3333-4444-555555555555";
    private final AzureProviderFactory factory = new AzureProviderFactory();

    private static Map<String, String> config(String... keyValues) {
        Map<String, String> config = new HashMap<>(Map.of("subscriptions", SUB));
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    @Test
    void isFoundThroughServiceLoaderAsTypeAzureOnTheCurrentSpi() {
        List<ProviderFactory> found = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
                .filter(f -> f.type().equals("azure")).toList();
        assertThat(found).singleElement().isInstanceOf(AzureProviderFactory.class);
        assertThat(factory.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    }

    @Test
    void documentsEveryKeyItReadsAndMarksTheSecret() {
        assertThat(factory.configKeys()).extracting(ConfigKey::name).containsExactlyInAnyOrder("subscriptions",
                "resourceGroups", "regions", "tenantId", "clientId", "clientSecret", "environment", "managementEndpoint",
                "terminateAction", "maxRetries", "operationTimeout", "pollInterval", "requestTimeout");
        assertThat(factory.configKeys()).filteredOn(ConfigKey::secret).extracting(ConfigKey::name).containsExactly("clientSecret");
        assertThat(factory.configKeys()).filteredOn(ConfigKey::required).extracting(ConfigKey::name).containsExactly("subscriptions");
        assertThat(factory.configKeys()).allSatisfy(k -> assertThat(k.description()).isNotBlank());
    }

    @Test
    void readsDefaults() {
        AzureProviderConfig config = AzureProviderConfig.parse(config());
        assertThat(config.subscriptions()).containsExactly(SUB);
        assertThat(config.resourceGroups()).isEmpty();
        assertThat(config.terminateAction()).isEqualTo(TerminateAction.DELETE);
        assertThat(config.maxRetries()).isEqualTo(0);
        assertThat(config.operationTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.managementEndpoint()).isEqualTo("https://management.azure.com/");
    }

    @Test
    void readsListsDurationsAndActions() {
        AzureProviderConfig config = AzureProviderConfig.parse(config("subscriptions", SUB + ", " + SUB.replace('1', '9'),
                "resourceGroups", "RG-Web,rg-api", "regions", "westeurope, eastus2", "terminateAction", "POWEROFF",
                "operationTimeout", "PT2M", "pollInterval", "500ms", "maxRetries", "0"));
        assertThat(config.subscriptions()).hasSize(2);
        assertThat(config.resourceGroups()).containsExactlyInAnyOrder("rg-web", "rg-api");
        assertThat(config.regions()).containsExactlyInAnyOrder("westeurope", "eastus2");
        assertThat(config.terminateAction()).isEqualTo(TerminateAction.POWER_OFF);
        assertThat(config.operationTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.namesCarrySubscription()).isTrue();
    }

    @Test
    void sovereignCloudsUseTheirOwnResourceManagerAndTokenAudience() {
        AzureProviderConfig china = AzureProviderConfig.parse(config("environment", "AzureChinaCloud"));
        assertThat(china.managementEndpoint()).isEqualTo("https://management.chinacloudapi.cn/");
        assertThat(ArmConnection.scopeFor(china.environment())).isEqualTo("https://management.chinacloudapi.cn/.default");
        assertThat(china.environment().getActiveDirectoryEndpoint()).isEqualTo("https://login.chinacloudapi.cn/");

        AzureProviderConfig gov = AzureProviderConfig.parse(config("environment", "AzureUSGovernment"));
        assertThat(gov.effectiveEnvironment().getResourceManagerEndpoint()).isEqualTo("https://management.usgovcloudapi.net/");
        assertThat(gov.environment().getActiveDirectoryEndpoint()).isEqualTo("https://login.microsoftonline.us/");

        AzureProviderConfig overridden = AzureProviderConfig.parse(config("managementEndpoint", "https://arm.proxy.example"));
        AzureEnvironment environment = overridden.effectiveEnvironment();
        assertThat(environment.getResourceManagerEndpoint()).isEqualTo("https://arm.proxy.example/");
        assertThat(environment.getActiveDirectoryEndpoint()).isEqualTo(AzureEnvironment.AZURE.getActiveDirectoryEndpoint());
        assertThat(ArmConnection.scopeFor(overridden.environment())).isEqualTo("https://management.azure.com/.default");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "subscriptions|''|subscriptions",
        "subscriptions|not-a-guid|subscriptions",
        "terminateAction|explode|terminateAction",
        "environment|AzureMars|environment",
        "managementEndpoint|http://127.0.0.1:8080|managementEndpoint",
        "maxRetries|eleven|maxRetries",
        "maxRetries|50|maxRetries",
        "operationTimeout|soon|operationTimeout",
        "pollInterval|0s|pollInterval",
        "clientSecret|s3cr3t-value|clientSecret",
    })
    void rejectsAWrongValueNamingTheKey(String key, String value, String named) {
        assertThatThrownBy(() -> factory.create(new TestContext("az", config(key, value))))
                .isInstanceOf(ProviderException.class)
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST))
                .hasMessageContaining("'" + named + "'")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
    }

    @Test
    void createsWithoutReachingAzureAndNeverShowsTheSecret() {
        Map<String, String> config = config("tenantId", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "clientId",
                "ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee", "clientSecret", "s3cr3t-value");
        try (CloudProvider provider = factory.create(new TestContext("az", config))) {
            assertThat(provider.type()).isEqualTo("azure");
            assertThat(provider.id()).isEqualTo("az");
            assertThat(provider.toString()).doesNotContain("s3cr3t-value").contains("clientSecret=***");
        }
        assertThat(AzureProviderConfig.parse(config).toString()).doesNotContain("s3cr3t-value");
    }
}
