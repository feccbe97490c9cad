package dev.macaque.simulated;

import dev.macaque.simulated.eventlog.JsonLinesSink;
import dev.macaque.simulated.random.DeterministicRandom;
import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioParser;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.Instance;
import dev.macaque.spi.TerminationRequest;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

/** Test helpers: load test scenarios and run them with engine-like code inside the world. */
final class Worlds {
    private Worlds() {
    }

    static Scenario scenario(String name) {
        return ScenarioParser.parseResource("/scenarios/" + name);
    }

    /**
     * Runs {@code scenario} for its duration with a kill of a random healthy member of a random opted-in group every
     * {@code killEvery}, scheduled into the world like the engine does; returns the JSON Lines event log.
     */
    static String runWithKills(Scenario scenario, Duration killEvery) {
        SimulatedWorld world = SimulatedWorld.of(scenario);
        StringWriter out = new StringWriter();
        world.addEventSink(new JsonLinesSink(out));
        SimulatedProvider provider = world.provider("sim");
        DeterministicRandom chaos = new DeterministicRandom(scenario.seed()).child("test-chaos");
        Runnable[] kill = new Runnable[1];
        kill[0] = () -> {
            List<GroupSummary> targets = provider.listGroups(GroupFilter.ALL);
            GroupSummary target = targets.get(chaos.nextInt(targets.size()));
            List<Instance> healthy = provider.describeGroup(target.ref()).healthyInService();
            if (!healthy.isEmpty()) {
                Instance victim = healthy.get(chaos.nextInt(healthy.size()));
                world.log("chaos.kill", "group", target.ref().name(), "instance", victim.id());
                provider.terminate(new TerminationRequest(target.ref(), victim.id(), false, "test", "kill-" + world.loggedEvents()));
            }
            world.scheduleAfter(killEvery, kill[0]);
        };
        world.scheduleAfter(killEvery, kill[0]);
        world.runFor(scenario.duration());
        for (String service : world.serviceNames()) {
            world.log("report.availability", "service", service, "percent", world.availability(service));
        }
        return out.toString();
    }
}
