package dev.macaque.cli;

import static dev.macaque.cli.CommandRuns.command;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Same scenario and seed ⇒ the same bytes; another seed ⇒ another run. */
class SimulateDeterminismTest {
    /** Random boot times, launch failures, a daily load, an overload cascade, faults, a schedule and one-shot runs. */
    private static final String BUSY = """
            name: busy
            seed: 5
            duration: 10d
            groups:
              - {name: web, region: us-east-1, zones: [a, b, c], desired: 6, bootTime: {min: 30s, max: 3m},
                 launchFailureRate: 0.2, tags: {macaque-enabled: "true", macaque-weight: "3"}}
              - {name: api, region: us-east-1, zones: [a, b], desired: 3, bootTime: {min: 1m, max: 2m},
                 tags: {macaque-enabled: "true"}}
              - {name: db, region: us-east-1, zones: [a, b], desired: 2, bootTime: 4m, tags: {macaque-enabled: "true"}}
            services:
              - {name: db, group: db, capacityPerInstance: 300, load: {base: 150, peak: 560, peakAt: 14h}, overloadCrashAfter: 3m}
              - {name: api, group: api, capacityPerInstance: 200, load: {base: 150, peak: 500, peakAt: 14h}, dependsOn: [db]}
              - {name: web, group: web, capacityPerInstance: 150, load: 700, dependsOn: [api]}
            faults:
              - {zoneOutage: {region: us-east-1, zone: a}, at: 3d, duration: 1h}
              - {terminate: {group: web}, at: 20h}
            chaos:
              - schedule: {meanTimeBetweenKills: 1d, window: {from: "09:00", to: "17:00", zone: Europe/Paris}}
                experiment: {name: monkey}
              - {at: 13h, experiment: {name: burst, selection: {mode: percent, value: 30}, recovery: {timeout: 5m}}}
            hypotheses:
              - "killsTotal() >= 1"
            """;

    @TempDir
    Path dir;

    private Path run(String name, String... extra) throws Exception {
        Path scenario = dir.resolve("busy.yaml");
        Files.writeString(scenario, BUSY);
        Path out = dir.resolve(name);
        String[] args = new String[4 + extra.length];
        args[0] = "simulate";
        args[1] = scenario.toString();
        args[2] = "--out";
        args[3] = out.toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        assertThat(command(args).exit()).isZero();
        return out;
    }

    @Test
    void theSameScenarioAndSeedGiveByteIdenticalFiles() throws Exception {
        Path first = run("first");
        Path second = run("second", "--quiet");

        for (String file : new String[] {"events.jsonl", "report.json", "report.html"}) {
            assertThat(Files.readAllBytes(second.resolve(file))).as(file).isEqualTo(Files.readAllBytes(first.resolve(file)));
        }
        String events = Files.readString(first.resolve("events.jsonl"));
        // The busy world really exercises engine and world together.
        assertThat(events).contains("\"type\":\"engine.TERMINATION_OUTCOME\"").contains("\"cause\":\"overload\"")
                .contains("\"type\":\"chaos.schedule_planned\"").contains("\"type\":\"fault.zone_outage.started\"");
    }

    @Test
    void anotherSeedGivesAnotherRunAndTheSeedIsRecorded() throws Exception {
        Path base = run("base");
        Path other = run("other", "--seed", "6");

        assertThat(Files.readString(other.resolve("events.jsonl"))).isNotEqualTo(Files.readString(base.resolve("events.jsonl")));
        assertThat(Files.readString(other.resolve("report.json"))).contains("\"seed\":6");
        assertThat(Files.readString(base.resolve("report.json"))).contains("\"seed\":5");
    }
}
