package com.example.macaque;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import dev.macaque.spi.testing.TestGates;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ExampleFactoryTest {

    @Test
    void isFoundByServiceLoaderOnTheSpiItWasBuiltAgainst() {
        assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get))
                .singleElement().isInstanceOf(ExampleFactory.class)
                .satisfies(f -> assertThat(f.spiVersion()).isEqualTo(SpiVersion.CURRENT));
    }

    @Test
    void aBadValueIsAnInvalidRequestNamingTheKey() {
        assertThatThrownBy(() -> new ExampleFactory().create(ExampleProviderContractTest.context("ex",
                Map.of("endpoint", "ftp://example.com"))))
                .isInstanceOf(ProviderException.class).hasMessageContaining("endpoint 'ftp://example.com'")
                .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.INVALID_REQUEST));
        assertThatThrownBy(() -> new ExampleFactory().create(ExampleProviderContractTest.context("ex",
                Map.of("endpoint", "https://api.example.com", "requestTimeout", "forever"))))
                .hasMessageContaining("requestTimeout 'forever'");
    }

    @Test
    void everyRequestToTheCloudPassesTheServersCallGateFirst() throws Exception {
        TestGates.Counting gate = new TestGates.Counting();
        try (FakeExampleCloud cloud = new FakeExampleCloud().group("eu-west-1", "api", 2, Map.of("macaque-enabled", "true"));
             CloudProvider provider = new ExampleFactory().create(ExampleProviderContractTest.context("ex",
                     Map.of("endpoint", cloud.endpoint()), gate))) {
            assertThat(provider.gatesEachRequest()).isTrue();
            GroupRef api = new GroupRef("ex", "eu-west-1", "api");

            provider.listGroups(GroupFilter.ALL);
            provider.describeGroup(api);
            provider.health(api);

            assertThat(cloud.requests()).isPositive();
            assertThat(gate.count()).isEqualTo(cloud.requests());
        }
    }
}
