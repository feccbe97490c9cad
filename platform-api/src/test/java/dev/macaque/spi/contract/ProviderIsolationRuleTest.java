package dev.macaque.spi.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.macaque.provider.badfixture.ReachesIntoTheKit;
import org.junit.jupiter.api.Test;

/** The provider rule fails on a provider class that uses Macaque code outside the SPI. */
class ProviderIsolationRuleTest {
    @Test
    void aProviderClassThatUsesMacaqueCodeOutsideTheSpiBreaksTheRule() {
        assertThatThrownBy(() -> ProviderIsolationRule.rule("dev.macaque.provider.badfixture")
                .check(new ClassFileImporter().importClasses(ReachesIntoTheKit.class)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("dev.macaque.spi.testing.InMemoryCloud");
    }
}
