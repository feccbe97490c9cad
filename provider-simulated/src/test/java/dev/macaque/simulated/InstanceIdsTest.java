package dev.macaque.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Instance ids are not stored but written from group name and number, and a terminated id is recognised as an issued
 * number that is no longer a member: the provider must still tell members, terminated instances and ids this group
 * never gave out apart, exactly.
 */
class InstanceIdsTest {
    private final SimulatedWorld world = SimulatedWorld.builder()
            .group(GroupSpec.of("web", "r1", List.of("a", "b"), 3, BootTime.fixed(Duration.ofSeconds(30)), Map.of()))
            .build();
    private final SimulatedProvider provider = world.provider("sim");
    private final GroupRef web = new GroupRef("sim", "r1", "web");

    private TerminationResult terminate(String id, String key) {
        return provider.terminate(new TerminationRequest(web, id, false, "test", key));
    }

    @Test
    void idsAreTheGroupNameAndAFourDigitNumberInLaunchOrder() {
        assertThat(world.memberIds("web")).containsExactly("web-0001", "web-0002", "web-0003");
    }

    @Test
    void aTerminatedIdIsAlreadyTerminatedAndItsReplacementGetsTheNextNumber() {
        assertThat(terminate("web-0002", "k1").outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
        world.runFor(Duration.ofMinutes(5));

        assertThat(world.memberIds("web")).containsExactly("web-0001", "web-0003", "web-0004");
        assertThat(terminate("web-0002", "k2").outcome()).isEqualTo(TerminationResult.Outcome.ALREADY_TERMINATED);
        assertThat(terminate("web-0004", "k3").outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
    }

    @Test
    void idsThisGroupNeverGaveOutAreNotFound() {
        for (String id : List.of("web-0005", "web-0000", "web-00001", "web-1", "web-000a", "api-0001", "web0001", "web-",
                "web-99999999999")) {
            assertThatThrownBy(() -> terminate(id, "k-" + id)).as(id).isInstanceOf(ProviderException.class)
                    .satisfies(e -> assertThat(((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_FOUND));
        }
    }

    @Test
    void numbersPastFourDigitsKeepTheirDigits() {
        SimulatedWorld big = SimulatedWorld.builder()
                .group(GroupSpec.of("g", "r1", List.of("a"), 10_001, BootTime.fixed(Duration.ofSeconds(30)), Map.of()))
                .build();

        assertThat(big.memberIds("g")).startsWith("g-0001").endsWith("g-9999", "g-10000", "g-10001");
        assertThat(big.provider("sim").describeGroup(new GroupRef("sim", "r1", "g")).instances())
                .extracting(dev.macaque.spi.Instance::id).contains("g-10001").hasSize(10_001);
        assertThat(big.provider("sim").terminate(new TerminationRequest(new GroupRef("sim", "r1", "g"), "g-10001", false, "test", "k"))
                .outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
    }
}
