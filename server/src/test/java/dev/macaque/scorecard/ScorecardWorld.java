package dev.macaque.scorecard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.inject.Module;
import com.google.inject.multibindings.OptionalBinder;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.http.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A server on the simulated cloud with a world of known outcomes, and the runs that give each group its history:
 * {@code web} killed for real three times and recovered each time (and once in a dry run), {@code stuck} killed for
 * real and never replaced, {@code idle} never touched, {@code dry} only dry-run, {@code old} recovered first of all
 * (so that its verification is the one that outgrows the freshness), {@code optout} not opted in.
 */
public final class ScorecardWorld implements AutoCloseable {
    static final String WORLD = """
            name: scorecard
            seed: 3
            duration: 30d
            groups:
              - {name: old, region: r1, zones: [a], desired: 2, bootTime: 30s, replacementDelay: 10s, tags: {macaque-enabled: "true"}}
              - {name: web, region: r1, zones: [a], desired: 3, bootTime: 30s, replacementDelay: 10s,
                 tags: {macaque-enabled: "true", team: shop}}
              - {name: stuck, region: r1, zones: [a], desired: 2, bootTime: 30s, replacementDelay: 1000h,
                 tags: {macaque-enabled: "true", team: shop}}
              - {name: idle, region: r1, zones: [a], desired: 2, tags: {macaque-enabled: "true", team: data}}
              - {name: dry, region: r1, zones: [a], desired: 2, tags: {macaque-enabled: "true", team: data}}
              - {name: optout, region: r1, zones: [a], desired: 2, tags: {macaque-enabled: "false", team: data}}
            """;

    public final TestServer server;
    public final SettableClock clock = new SettableClock();
    public final String operator;
    public final String viewer;

    public ScorecardWorld(Path home, MacaqueConfig.DatabaseConfig database) {
        this(home, database, java.util.function.UnaryOperator.identity());
    }

    /** A world whose server configuration {@code adjust} changes first (webhooks, scorecard settings). */
    public ScorecardWorld(Path home, MacaqueConfig.DatabaseConfig database, java.util.function.UnaryOperator<MacaqueConfig> adjust) {
        Path world = home.resolve("world.yaml");
        try {
            Files.writeString(world, WORLD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Module scorecardClock = binder -> OptionalBinder.newOptionalBinder(binder, ScorecardClock.class).setBinding()
                .toInstance(new ScorecardClock(clock));
        server = TestServer.startWith(home, database, MacaqueConfig.Mode.LEASHED,
                Map.of("sim", Map.of("type", "simulated", "world", world.toString(), "speed", "600")), adjust, scorecardClock);
        operator = server.token("oncall", "operator");
        viewer = server.token("manager", "viewer");
    }

    /** Runs one experiment on {@code group} to its end and returns the run as the API shows it. */
    public JsonNode run(String group, boolean dryRun, String timeout) {
        return run("{\"name\":\"kill-" + group + "\",\"targets\":{\"providers\":[\"sim\"],\"groups\":[\"" + group + "\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":1},"
                + "\"recovery\":{\"timeout\":\"" + timeout + "\",\"pollInterval\":\"50ms\"},\"dryRun\":" + dryRun + "}");
    }

    /** Runs {@code spec} to its end (it must complete) and returns the run as the API shows it. */
    public JsonNode run(String spec) {
        JsonNode run = awaitEnd(start(spec));
        assertThat(run.get("state").asText()).as(run.toString()).isEqualTo("COMPLETED");
        return run;
    }

    /** Starts {@code spec} and returns the run's id. */
    public String start(String spec) {
        HttpResponse<String> created = server.sendJson("POST", "/api/v1/experiments", operator, spec);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("id").asText();
    }

    /** Waits for run {@code id} to end, whichever way, and returns it as the API shows it. */
    public JsonNode awaitEnd(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            last[0] = TestServer.json(server.get("/api/v1/experiments/" + id, operator));
            return List.of("COMPLETED", "FAILED", "ABORTED", "HALTED", "NOT_STEADY").contains(last[0].get("state").asText());
        });
        return last[0];
    }

    public static Instant killedAt(JsonNode run) {
        return Instant.parse(run.get("recoveries").get(0).get("firstKillAt").asText());
    }

    public static double timeToRecover(JsonNode run) {
        return run.get("recoveries").get(0).get("timeToRecoverSeconds").asDouble();
    }

    public static Instant recoveredAt(JsonNode run) {
        return killedAt(run).plusMillis(Math.round(timeToRecover(run) * 1000));
    }

    @Override
    public void close() {
        server.close();
    }
}
