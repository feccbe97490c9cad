package dev.macaque.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.ScenarioParser;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** How a snapshot reads a fleet: in one listing-with-members pass, leaving out what that pass could not read. */
class FleetSnapshotTest {
    private static final String FLEET = """
            name: three
            seed: 1
            duration: 1d
            groups:
              - {name: api, region: us-east-1, zones: [a, b], desired: 2, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: gone, region: us-east-1, zones: [a], desired: 1, bootTime: 60s, tags: {macaque-enabled: "true"}}
              - {name: web, region: us-east-1, zones: [a, b, c], desired: 3, bootTime: 60s}
            """;

    /**
     * The simulated cloud behind a view that reads listings with members in one pass (as the server's inventory
     * does), in which group {@code gone} was deleted between its listing and its read, and one part of the cloud did
     * not answer; it counts reads of single groups.
     */
    private record OnePassView(CloudProvider cloud, AtomicInteger singleReads) implements CloudProvider {
        @Override
        public String id() {
            return cloud.id();
        }

        @Override
        public String type() {
            return cloud.type();
        }

        @Override
        public List<GroupSummary> listGroups(GroupFilter filter) {
            return cloud.listGroups(filter);
        }

        @Override
        public ListedGroups listAndDescribeGroups(GroupFilter filter, Predicate<GroupSummary> read) {
            ListedGroups all = cloud.listAndDescribeGroups(filter, read);
            Map<GroupRef, String> notFound = new LinkedHashMap<>();
            List<VmGroup> found = all.described().groups().stream().filter(g -> {
                if (g.ref().name().equals("gone")) {
                    notFound.put(g.ref(), "no such group (deleted since it was listed)");
                    return false;
                }
                return true;
            }).toList();
            return new ListedGroups(all.listed(), new DescribedGroups(found, notFound, List.of("region eu-west-1: timed out")));
        }

        @Override
        public VmGroup describeGroup(GroupRef group) {
            singleReads.incrementAndGet();
            return cloud.describeGroup(group);
        }

        @Override
        public GroupHealth health(GroupRef group) {
            return cloud.health(group);
        }

        @Override
        public TerminationResult terminate(TerminationRequest request) {
            return cloud.terminate(request);
        }
    }

    @Test
    void aSnapshotReadsTheFleetInOnePassAndLeavesOutWithACaveatWhatThePassCouldNotRead() {
        SimulatedWorld world = SimulatedWorld.of(ScenarioParser.parse(FLEET, "three.yaml"));
        world.runFor(Duration.ofMinutes(5));
        AtomicInteger singleReads = new AtomicInteger();

        FleetSnapshot snapshot = FleetSnapshot.capture(new OnePassView(world.provider("sim"), singleReads), Map.of(), world.now());

        assertThat(singleReads).as("no group read on its own").hasValue(0);
        assertThat(snapshot.scenario().groups()).extracting(GroupSpec::name).containsExactly("api", "web");
        assertThat(snapshot.scenario().groups()).extracting(GroupSpec::desired).containsExactly(2, 3);
        assertThat(snapshot.caveats()).contains(
                "groups of region eu-west-1: timed out left out: that part of the cloud did not answer",
                "group sim/us-east-1/gone left out: no such group (deleted since it was listed)");
    }
}
