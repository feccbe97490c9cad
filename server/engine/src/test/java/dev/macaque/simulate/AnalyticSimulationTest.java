package dev.macaque.simulate;

import static dev.macaque.simulate.Simulations.group;
import static dev.macaque.simulate.Simulations.run;
import static dev.macaque.simulate.Simulations.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Scenarios small enough to compute by hand: the simulator's numbers must be exactly those. */
class AnalyticSimulationTest {

    /**
     * 3 instances × 100 req/s serve a constant 250 req/s. One kill at 1h leaves 2 (200 req/s): the group launches a
     * replacement after the 10s replacement delay, which boots for 60s, so the group is back at 3 healthy at
     * 1h + 70s. Meanwhile the success ratio is 200/250 = 0.8, so 50 req/s × 70 s = 3,500 requests are lost out of
     * 250 × 7,200 s = 1,800,000 offered over the 2h run:
     * availability = 100 × (1,800,000 − 3,500) / 1,800,000 = 100 × 1,796,500 / 1,800,000 = 99.80555…%.
     * The engine polls every 15 s from the kill, so it first sees the group back at 75 s.
     */
    private static final String ONE_KILL = """
            name: analytic
            seed: 1
            duration: 2h
            groups:
              - {name: api, region: us-east-1, zones: [a, b, c], desired: 3, bootTime: 60s, replacementDelay: 10s,
                 tags: {macaque-enabled: "true"}}
            services:
              - {name: api, group: api, capacityPerInstance: 100, load: 250}
            chaos:
              - {at: 1h, experiment: {name: kill-one, selection: {mode: count, value: 1}}}
            """;

    @Test
    void oneKillCostsExactlyTheRequestsLostDuringReplacementAndRecoversInReplacementDelayPlusBootTime() {
        SimulationReport report = run(ONE_KILL);

        assertThat(service(report, "api").offeredRequests()).isCloseTo(1_800_000, within(1e-6));
        assertThat(service(report, "api").servedRequests()).isCloseTo(1_796_500, within(1e-6));
        assertThat(service(report, "api").availability()).isCloseTo(100.0 * 1_796_500 / 1_800_000, within(1e-9));
        assertThat(report.kills()).hasSize(1);
        KillRecord kill = report.kills().get(0);
        assertThat(kill.at()).isEqualTo(Duration.ofHours(1));
        assertThat(kill.recoverySeconds()).isEqualTo(70.0);
        assertThat(kill.engineVerdict()).isEqualTo("RECOVERED");
        assertThat(kill.engineRecovery()).contains(Duration.ofSeconds(75));
        SimulationReport.GroupReport api = group(report, "api");
        assertThat(api.kills()).isEqualTo(1);
        assertThat(api.recovery()).isEqualTo(new RecoveryStats(1, 70, 70, 70));
        assertThat(api.engineRecovered()).isEqualTo(1);
        assertThat(api.engineNotRecovered()).isZero();
    }

    /**
     * The recovery time is the world's, to the nanosecond: with healthCheckGrace 7.5s the group is back at
     * 10 s + 60 s + 7.5 s = 77.5 s, which the engine (polling every 15 s) only sees at 90 s. The ratio of web, which
     * depends on api, follows api's: web loses 20% for 77.5 s too.
     */
    @Test
    void recoveryTimesAreExactWorldTimesNotTheEnginesPollingAndDependentsLoseTheSameShare() {
        SimulationReport report = run("""
                name: grace
                duration: 2h
                groups:
                  - {name: api, region: r, zones: [a], desired: 3, bootTime: 60s, replacementDelay: 10s,
                     healthCheckGrace: 7500ms, tags: {macaque-enabled: "true"}}
                  - {name: web, region: r, zones: [a], desired: 2}
                services:
                  - {name: api, group: api, capacityPerInstance: 100, load: 250}
                  - {name: web, group: web, capacityPerInstance: 1000, load: 100, dependsOn: [api]}
                chaos:
                  - {at: 30m, experiment: {name: k, targets: {groups: [api]}, selection: {mode: count, value: 1}}}
                """);

        KillRecord kill = report.kills().get(0);
        assertThat(kill.recoverySeconds()).isEqualTo(77.5);
        assertThat(kill.engineRecovery()).contains(Duration.ofSeconds(90));
        // web: 100 req/s × 7,200 s offered; 20% of 100 req/s lost for 77.5 s = 1,550 requests.
        assertThat(service(report, "web").availability()).isCloseTo(100.0 * (720_000 - 1_550) / 720_000, within(1e-9));
    }

    /**
     * A launch-capacity error from 59m to the end blocks every replacement: the kill at 1h never recovers. Its
     * recovery time is +∞ (reported as null), the engine reports NOT_RECOVERED after its 5-minute timeout, and the
     * group is still degraded at the end. Availability: 50 req/s lost from 1h to 2h = 180,000 of 1,800,000.
     */
    @Test
    void aKillThatNeverRecoversIsInfiniteForTheWorldAndNotRecoveredForTheEngine() {
        SimulationReport report = run("""
                name: stuck
                duration: 2h
                groups:
                  - {name: api, region: r, zones: [a], desired: 3, bootTime: 60s, tags: {macaque-enabled: "true"}}
                services:
                  - {name: api, group: api, capacityPerInstance: 100, load: 250}
                faults:
                  - {launchCapacityError: {group: api}, at: 59m, duration: 61m}
                chaos:
                  - {at: 1h, experiment: {name: k, selection: {mode: count, value: 1}, recovery: {timeout: 5m}}}
                hypotheses:
                  - "max(recoverySeconds) <= 600"
                  - "notRecovered() == 1"
                """);

        KillRecord kill = report.kills().get(0);
        assertThat(kill.recoveredAt()).isEqualTo(Optional.empty());
        assertThat(kill.recoverySeconds()).isInfinite();
        assertThat(kill.engineVerdict()).isEqualTo("NOT_RECOVERED");
        assertThat(group(report, "api").stillDegradedAtEnd()).isEqualTo(1);
        assertThat(service(report, "api").availability()).isCloseTo(90.0, within(1e-9));
        assertThat(report.hypotheses().get(0).passed()).isFalse();
        assertThat(report.hypotheses().get(0).note()).contains("not recovered");
        assertThat(report.hypotheses().get(1).passed()).isTrue();
        assertThat(ReportJson.write(report)).contains("\"recoverySeconds\":null").contains("\"stillDegradedAtEnd\":1");
    }

    /**
     * Two kills in one episode: at 1h a kill opens an episode (back at 1h + 70 s); a second run at 1h + 30 s kills
     * again inside it (it shares the group: "concurrency: shared"), and its replacement is back at 1h + 30 s + 70 s. Both kills close with the episode, when the
     * count is back at 3: the first after 100 s, the second after 70 s. p50 (nearest rank of 2 values) is the lower.
     */
    @Test
    void killsInsideOneEpisodeRecoverWhenTheGroupIsBackToItsCountBeforeTheEpisode() {
        SimulationReport report = run("""
                name: overlap
                duration: 2h
                groups:
                  - {name: api, region: r, zones: [a], desired: 4, bootTime: 60s, tags: {macaque-enabled: "true"}}
                chaos:
                  - {at: 1h, experiment: {name: a, selection: {mode: count, value: 1}}}
                  - {at: 3630s, experiment: {name: b, concurrency: shared, selection: {mode: count, value: 1}}}
                """);

        assertThat(report.kills()).extracting(KillRecord::recoverySeconds).containsExactly(100.0, 70.0);
        assertThat(group(report, "api").recovery()).isEqualTo(new RecoveryStats(2, 70, 100, 100));
        assertThat(group(report, "api").episodes()).hasSize(1);
    }
}
