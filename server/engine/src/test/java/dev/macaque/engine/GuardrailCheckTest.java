package dev.macaque.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.engine.ExperimentSpec.Guardrails;
import dev.macaque.engine.GuardrailDecision.Refused;
import dev.macaque.spi.GroupRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class GuardrailCheckTest {
    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final GroupRef API = new GroupRef("sim", "us-east-1", "api");
    private static final Map<String, String> OPTED_IN = Map.of("macaque-enabled", "true");
    private static final Guardrails LENIENT = new Guardrails(0, 0, 100, Duration.ZERO);

    private final AtomicBoolean killSwitch = new AtomicBoolean();
    private final InMemoryKillHistory history = new InMemoryKillHistory();
    private final GuardrailCheck check = new GuardrailCheck(killSwitch::get, history);

    private GuardrailDecision decide(KillCandidate candidate, Guardrails limits, int made) {
        return check.check(candidate, limits, made, NOW);
    }

    private static KillCandidate healthy(int healthyNow, int desired) {
        return new KillCandidate(API, OPTED_IN, desired, healthyNow);
    }

    @Test
    void allowsAKillThatKeepsEveryLimit() {
        assertThat(decide(healthy(10, 10), Guardrails.DEFAULTS, 0)).isEqualTo(GuardrailDecision.ALLOWED);
    }

    @Test
    void theKillSwitchRefusesEverything() {
        killSwitch.set(true);
        assertThat(decide(healthy(10, 10), LENIENT, 0)).isEqualTo(
                new Refused(RefusalReason.KILL_SWITCH, "the global kill switch is engaged"));
    }

    @Test
    void aGroupThatIsNotOptedInIsRefused() {
        KillCandidate off = new KillCandidate(API, Map.of("macaque-enabled", "no"), 10, 10);
        assertThat(decide(off, LENIENT, 0)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.NOT_OPTED_IN);
            assertThat(r.message()).contains("macaque-enabled=no");
        });
        assertThat(reason(decide(new KillCandidate(API, Map.of(), 10, 10), LENIENT, 0))).isEqualTo(RefusalReason.NOT_OPTED_IN);
    }

    @Test
    void maxTerminationsCapsTheRun() {
        Guardrails three = new Guardrails(0, 0, 3, Duration.ZERO);
        assertThat(decide(healthy(10, 10), three, 2)).isEqualTo(GuardrailDecision.ALLOWED);
        assertThat(reason(decide(healthy(10, 10), three, 3))).isEqualTo(RefusalReason.MAX_TERMINATIONS);
    }

    @Test
    void minTimeBetweenKillsLooksAtTheGroupsHistoryAcrossRuns() {
        Guardrails hourly = new Guardrails(0, 0, 100, Duration.ofHours(1));
        assertThat(decide(healthy(10, 10), hourly, 0)).isEqualTo(GuardrailDecision.ALLOWED);
        history.recordKill(API, NOW.minus(Duration.ofMinutes(59)));
        assertThat(decide(healthy(10, 10), hourly, 0)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.MIN_TIME_BETWEEN_KILLS);
            assertThat(r.message()).contains("59m ago").contains("minTimeBetweenKills is 1h");
        });
        GroupRef other = new GroupRef("sim", "us-east-1", "web");
        assertThat(decide(new KillCandidate(other, OPTED_IN, 10, 10), hourly, 0)).isEqualTo(GuardrailDecision.ALLOWED);
    }

    @Test
    void aKillExactlyMinTimeBetweenKillsLaterIsAllowed() {
        Guardrails hourly = new Guardrails(0, 0, 100, Duration.ofHours(1));
        history.recordKill(API, NOW.minus(Duration.ofHours(1)));
        assertThat(decide(healthy(10, 10), hourly, 0)).isEqualTo(GuardrailDecision.ALLOWED);
    }

    @Test
    void theLastHealthyInstanceIsNeverKilledWhateverTheSettings() {
        assertThat(decide(healthy(1, 1), LENIENT, 0)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.LAST_HEALTHY_INSTANCE);
            assertThat(r.message()).contains("1 healthy");
        });
        assertThat(reason(decide(healthy(0, 3), LENIENT, 0))).isEqualTo(RefusalReason.LAST_HEALTHY_INSTANCE);
        assertThat(decide(healthy(2, 2), LENIENT, 0)).isEqualTo(GuardrailDecision.ALLOWED);
    }

    @Test
    void minHealthyInstancesKeepsAFloor() {
        Guardrails keepThree = new Guardrails(0, 3, 100, Duration.ZERO);
        assertThat(decide(healthy(4, 10), keepThree, 0)).isEqualTo(GuardrailDecision.ALLOWED);
        assertThat(decide(healthy(3, 10), keepThree, 0)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.MIN_HEALTHY);
            assertThat(r.message()).contains("would keep 2").contains("minHealthyInstances=3");
        });
    }

    @Test
    void minHealthyPercentIsOfDesiredCapacityRoundedUp() {
        Guardrails half = new Guardrails(50, 0, 100, Duration.ZERO);
        // desired 5: 50% rounds up to 3, so 4 -> 3 is allowed and 3 -> 2 is not.
        assertThat(decide(healthy(4, 5), half, 0)).isEqualTo(GuardrailDecision.ALLOWED);
        assertThat(decide(healthy(3, 5), half, 0)).isInstanceOfSatisfying(Refused.class, r -> {
            assertThat(r.reason()).isEqualTo(RefusalReason.MIN_HEALTHY);
            assertThat(r.message()).contains("would keep 2 of 5").contains("minHealthyPercent=50% (3)");
        });
        assertThat(GuardrailCheck.requiredHealthy(10, 50)).isEqualTo(5);
        assertThat(GuardrailCheck.requiredHealthy(10, 51)).isEqualTo(6);
        assertThat(GuardrailCheck.requiredHealthy(3, 100)).isEqualTo(3);
        assertThat(GuardrailCheck.requiredHealthy(7, 0)).isZero();
    }

    @Test
    void theKillSwitchWinsOverEveryOtherReason() {
        killSwitch.set(true);
        KillCandidate bad = new KillCandidate(API, Map.of(), 1, 1);
        assertThat(reason(decide(bad, Guardrails.DEFAULTS, 1000))).isEqualTo(RefusalReason.KILL_SWITCH);
    }

    private static RefusalReason reason(GuardrailDecision decision) {
        assertThat(decision).isInstanceOf(Refused.class);
        return ((Refused) decision).reason();
    }
}
