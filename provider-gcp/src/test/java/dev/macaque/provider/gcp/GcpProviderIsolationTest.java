package dev.macaque.provider.gcp;

import dev.macaque.spi.contract.ProviderIsolationRule;
import org.junit.jupiter.api.Test;

/** The gcp provider uses nothing of Macaque but the SPI. */
class GcpProviderIsolationTest {
    @Test
    void usesNothingOfMacaqueButTheSpi() {
        ProviderIsolationRule.check("dev.macaque.provider.gcp");
    }
}
