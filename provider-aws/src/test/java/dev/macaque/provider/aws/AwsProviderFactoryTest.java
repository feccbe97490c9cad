package dev.macaque.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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

class AwsProviderFactoryTest {

    private final AwsProviderFactory factory = new AwsProviderFactory();

    @Test
    void isFoundByServiceLoaderAsTypeAws() {
        List<ProviderFactory> found = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get).toList();

        assertThat(found).filteredOn(f -> f.type().equals("aws")).singleElement().isInstanceOf(AwsProviderFactory.class);
        assertThat(factory.spiVersion()).isEqualTo(SpiVersion.CURRENT);
        assertThat(factory.description()).isNotBlank();
    }

    @Test
    void documentsEveryKeyItReadsAndMarksTheExternalIdSecret() {
        assertThat(factory.configKeys()).extracting(ConfigKey::name).containsExactly(
                "regions", "profile", "roleArn", "externalId", "sessionName", "endpoint", "maxAttempts", "apiTimeout");
        assertThat(factory.configKeys()).filteredOn(ConfigKey::required).extracting(ConfigKey::name).containsExactly("regions");
        assertThat(factory.configKeys()).filteredOn(ConfigKey::secret).extracting(ConfigKey::name).containsExactly("externalId");
        assertThat(factory.configKeys()).allSatisfy(k -> assertThat(k.description()).isNotBlank());
    }

    @Test
    void readsEveryKeyWithItsDefaults() {
        AwsSettings defaults = AwsSettings.parse("aws-prod", Map.of("regions", "us-east-1, eu-west-1,us-east-1"));

        assertThat(defaults.regions()).containsExactly("eu-west-1", "us-east-1");
        assertThat(defaults.profile()).isNull();
        assertThat(defaults.roleArn()).isNull();
        assertThat(defaults.endpoint()).isNull();
        assertThat(defaults.sessionName()).isEqualTo("macaque");
        assertThat(defaults.maxAttempts()).isEqualTo(1);
        assertThat(defaults.apiTimeout()).isEqualTo(Duration.ofSeconds(30));

        AwsSettings all = AwsSettings.parse("aws-prod", Map.of("regions", "eu-central-1", "profile", "chaos",
                "roleArn", "arn:aws:iam::123456789012:role/macaque", "externalId", "x-42", "sessionName", "game-day",
                "endpoint", "http://127.0.0.1:5000", "maxAttempts", "5", "apiTimeout", "PT1M"));

        assertThat(all.profile()).isEqualTo("chaos");
        assertThat(all.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/macaque");
        assertThat(all.externalId()).isEqualTo("x-42");
        assertThat(all.sessionName()).isEqualTo("game-day");
        assertThat(all.endpoint()).hasToString("http://127.0.0.1:5000");
        assertThat(all.maxAttempts()).isEqualTo(5);
        assertThat(all.apiTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(AwsSettings.parse("p", Map.of("regions", "us-east-1", "apiTimeout", "500ms")).apiTimeout())
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void rejectsInvalidConfigurationNamingTheKey() {
        assertInvalid(Map.of(), "'regions' is required");
        assertInvalid(Map.of("regions", "us-east-1,Frankfurt"), "'regions'", "Frankfurt");
        assertInvalid(Map.of("regions", "us-east-1", "endpoint", "127.0.0.1:5000"), "'endpoint'", "127.0.0.1:5000");
        assertInvalid(Map.of("regions", "us-east-1", "maxAttempts", "0"), "'maxAttempts'");
        assertInvalid(Map.of("regions", "us-east-1", "maxAttempts", "many"), "'maxAttempts'", "many");
        assertInvalid(Map.of("regions", "us-east-1", "apiTimeout", "soon"), "'apiTimeout'", "soon");
        assertInvalid(Map.of("regions", "us-east-1", "roleArn", "macaque"), "'roleArn'");
        assertInvalid(Map.of("regions", "us-east-1", "sessionName", "x y"), "'sessionName'");
    }

    @Test
    void anExternalIdWithoutARoleIsRejectedWithoutShowingIt() {
        ProviderException e = assertInvalid(Map.of("regions", "us-east-1", "externalId", "do-not-show-42"), "'externalId'");

        assertThat(e.getMessage()).doesNotContain("do-not-show-42");
    }

    @Test
    void neverLogsOrShowsTheExternalId() {
        Map<String, String> config = Map.of("regions", "us-east-1", "roleArn", "arn:aws:iam::123456789012:role/macaque",
                "externalId", "do-not-show-42", "endpoint", "http://127.0.0.1:9");
        TestContext context = new TestContext("aws-prod", config);

        try (CloudProvider provider = factory.create(context)) {
            assertThat(provider.id()).isEqualTo("aws-prod");
            assertThat(provider.type()).isEqualTo("aws");
        }

        assertThat(context.logger().messages()).isNotEmpty()
                .anySatisfy(m -> assertThat(m).contains("arn:aws:iam::123456789012:role/macaque"))
                .noneSatisfy(m -> assertThat(m).contains("do-not-show-42"));
        assertThat(AwsSettings.parse("aws-prod", config).toString()).doesNotContain("do-not-show-42");
    }

    @Test
    void createsWithoutReachingAws() {
        Map<String, String> config = new HashMap<>(Map.of("regions", "us-east-1,eu-west-1", "profile", "no-such-profile"));

        try (CloudProvider provider = factory.create(new TestContext("aws-offline", config))) {
            assertThat(provider.id()).isEqualTo("aws-offline");
        }
    }

    private ProviderException assertInvalid(Map<String, String> config, String... messageParts) {
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> factory.create(new TestContext("aws-prod", config)));
        assertThat(e).as("create with %s", config).isNotNull();
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST);
        assertThat(e.getMessage()).contains("aws-prod").contains(messageParts);
        return e;
    }
}
