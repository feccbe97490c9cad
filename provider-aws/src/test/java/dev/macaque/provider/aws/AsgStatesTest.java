package dev.macaque.provider.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.LifecycleState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AsgStatesTest {

    @ParameterizedTest
    @CsvSource({
        "InService, IN_SERVICE",
        "Pending, PENDING",
        "Pending:Wait, PENDING",
        "Pending:Proceed, PENDING",
        "Warmed:Pending, PENDING",
        "Terminating, TERMINATING",
        "Terminating:Wait, TERMINATING",
        "Terminating:Proceed, TERMINATING",
        "Warmed:Terminating, TERMINATING",
        "Terminated, TERMINATED",
        "Standby, OUT_OF_SERVICE",
        "EnteringStandby, OUT_OF_SERVICE",
        "Detaching, OUT_OF_SERVICE",
        "Quarantined, OUT_OF_SERVICE",
        "Warmed:Running, OUT_OF_SERVICE",
        "SomethingNew, OUT_OF_SERVICE"
    })
    void mapsAutoScalingLifecycleStates(String autoScaling, LifecycleState expected) {
        assertThat(AsgStates.lifecycle(autoScaling)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"Healthy, true", "HEALTHY, true", "Unhealthy, false", "UNHEALTHY, false", "'', false"})
    void readsHealthInBothSpellingsAutoScalingUses(String status, boolean healthy) {
        assertThat(AsgStates.healthy(status)).isEqualTo(healthy);
    }
}
