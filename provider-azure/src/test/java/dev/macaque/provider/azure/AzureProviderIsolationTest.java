package dev.macaque.provider.azure;

import dev.macaque.spi.contract.ProviderIsolationRule;
import org.junit.jupiter.api.Test;

/** The azure provider uses nothing of Macaque but the SPI. */
class AzureProviderIsolationTest {
    @Test
    void usesNothingOfMacaqueButTheSpi() {
        ProviderIsolationRule.check("dev.macaque.provider.azure");
    }
}
