package dev.macaque.provider.aws;

import dev.macaque.spi.contract.ProviderIsolationRule;
import org.junit.jupiter.api.Test;

/** The aws provider uses nothing of Macaque but the SPI. */
class AwsProviderIsolationTest {
    @Test
    void usesNothingOfMacaqueButTheSpi() {
        ProviderIsolationRule.check("dev.macaque.provider.aws");
    }
}
