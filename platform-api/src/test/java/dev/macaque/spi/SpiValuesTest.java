package dev.macaque.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SpiValuesTest {

    @Test
    void pluginsWithTheSameMajorAndAnOlderOrEqualMinorAreCompatible() {
        assertThat(SpiVersion.isCompatible("1.3", "1.0")).isTrue();
        assertThat(SpiVersion.isCompatible("1.3", "1.3")).isTrue();
        assertThat(SpiVersion.isCompatible("1.3", "1.4")).as("plugin needs a newer minor").isFalse();
        assertThat(SpiVersion.isCompatible("1.3", "2.0")).isFalse();
        assertThat(SpiVersion.isCompatible("2.0", "1.9")).isFalse();
    }

    @Test
    void malformedSpiVersionsAreRejectedWithTheValue() {
        assertThatThrownBy(() -> SpiVersion.major("1")).hasMessageContaining("'1'");
        assertThatThrownBy(() -> SpiVersion.major("a.b")).hasMessageContaining("'a.b'");
        assertThatThrownBy(() -> SpiVersion.isCompatible("1.0", "1.-1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(SpiVersion.major(SpiVersion.CURRENT)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void onlyTheValueTrueOptsIn() {
        assertThat(OptIn.isEnabled(Map.of("macaque-enabled", "true"))).isTrue();
        assertThat(OptIn.isEnabled(Map.of("macaque-enabled", "TRUE"))).isTrue();
        assertThat(OptIn.isEnabled(Map.of("macaque-enabled", "yes"))).isFalse();
        assertThat(OptIn.isEnabled(Map.of("macaque-enabled", "false"))).isFalse();
        assertThat(OptIn.isEnabled(Map.of())).isFalse();
    }

    @Test
    void weightDefaultsToOneAndRejectsNonPositiveOrNonNumericValues() {
        assertThat(OptIn.weight(Map.of())).isEqualTo(OptionalInt.of(1));
        assertThat(OptIn.weight(Map.of("macaque-weight", "5"))).isEqualTo(OptionalInt.of(5));
        assertThat(OptIn.weight(Map.of("macaque-weight", "0"))).isEmpty();
        assertThat(OptIn.weight(Map.of("macaque-weight", "-2"))).isEmpty();
        assertThat(OptIn.weight(Map.of("macaque-weight", "heavy"))).isEmpty();
    }

    @Test
    void groupFilterMatchesRegionAndEveryTag() {
        GroupFilter filter = new GroupFilter(java.util.Set.of("eu-west-1"), Map.of("team", "a", "tier", "web"));
        assertThat(filter.matches("eu-west-1", Map.of("team", "a", "tier", "web", "x", "y"))).isTrue();
        assertThat(filter.matches("us-east-1", Map.of("team", "a", "tier", "web"))).isFalse();
        assertThat(filter.matches("eu-west-1", Map.of("team", "a"))).isFalse();
        assertThat(GroupFilter.ALL.matches("anywhere", Map.of())).isTrue();
    }

    @Test
    void providerExceptionKindsCarryTheirRetryability() {
        assertThat(new ProviderException(ProviderException.Kind.THROTTLED, "slow down").retryable()).isTrue();
        assertThat(new ProviderException(ProviderException.Kind.PERMISSION_DENIED, "no").retryable()).isFalse();
        assertThat(new ProviderException(ProviderException.Kind.NOT_FOUND, "gone").retryable()).isFalse();
    }

    @Test
    void groupRefsRejectBlankPartsAndPrintAsAPath() {
        assertThat(new GroupRef("aws-prod", "us-east-1", "api")).hasToString("aws-prod/us-east-1/api");
        assertThatThrownBy(() -> new GroupRef("aws", " ", "api")).hasMessageContaining("region");
    }

    @Test
    void aGroupReferenceReadsBackFromItsTextEvenWithSlashesInTheName() {
        GroupRef plain = new GroupRef("aws-prod", "us-east-1", "web");
        GroupRef azure = new GroupRef("azure", "westeurope", "rg-shop/vmss-web");
        org.assertj.core.api.Assertions.assertThat(GroupRef.parse(plain.toString())).isEqualTo(plain);
        org.assertj.core.api.Assertions.assertThat(GroupRef.parse(azure.toString())).isEqualTo(azure);
        for (String bad : new String[] {"web", "aws/web", "/r/web", "aws//web", "aws/r/", ""}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> GroupRef.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("provider/region/name");
        }
    }
}
