package dev.macaque.simulated;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.simulated.scenario.BootTime;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Conservation laws that hold for any world, seed and kill pattern without faults. */
class ConservationPropertyTest {

    @Property(tries = 60)
    void instancesNeverVanishAndDesiredCapacityIsRestoredAfterEveryKill(
            @ForAll("upToFourGroups") List<GroupSpec> groups,
            @ForAll @Size(max = 30) List<@IntRange(min = 0, max = 24 * 60) Integer> killMinutes,
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
        SimulatedWorld.Builder builder = SimulatedWorld.builder().seed(seed);
        List<GroupSpec> unique = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            GroupSpec g = groups.get(i);
            GroupSpec named = new GroupSpec("g" + i, g.region(), g.zones(), g.desired(), g.bootTime(), g.replacementDelay(),
                    g.healthCheckGrace(), g.terminationTime(), g.launchFailureRate(), g.tags());
            unique.add(named);
            builder.group(named);
            builder.service(ServiceSpec.of("s" + i, named.name(), 100, 1));
        }
        SimulatedWorld world = builder.build();
        List<LoggedEvent> log = new ArrayList<>();
        world.addEventSink(log::add);
        Set<String> initial = new LinkedHashSet<>();
        for (GroupSpec g : unique) {
            initial.addAll(world.memberIds(g.name()));
        }
        for (int k = 0; k < killMinutes.size(); k++) {
            String group = unique.get(k % unique.size()).name();
            world.schedule(SimulatedWorld.DEFAULT_START.plus(Duration.ofMinutes(killMinutes.get(k))),
                    () -> world.terminateRandomMember(group, "property"));
        }

        // one day of kills, then a day without: every group must be back at desired capacity
        world.runFor(Duration.ofDays(2));

        Set<String> launched = new HashSet<>(initial);
        Set<String> terminating = new HashSet<>();
        Set<String> terminated = new HashSet<>();
        for (LoggedEvent e : log) {
            String id = (String) e.field("instance");
            switch (e.type()) {
                case "instance.launched" -> assertThat(launched.add(id)).as("launched once: %s", id).isTrue();
                case "instance.terminating" -> assertThat(terminating.add(id)).as("terminating once: %s", id).isTrue();
                case "instance.terminated" -> {
                    assertThat(terminating).as("terminated after terminating").contains(id);
                    assertThat(terminated.add(id)).as("terminated once: %s", id).isTrue();
                }
                default -> {
                }
            }
        }
        Set<String> present = new HashSet<>();
        for (GroupSpec g : unique) {
            present.addAll(world.memberIds(g.name()));
            assertThat(world.healthyCount(g.name())).as("group %s healthy at the end", g.name()).isEqualTo(g.desired());
            assertThat(world.memberIds(g.name())).as("no member left over in %s", g.name()).hasSize(g.desired());
            assertThat(world.recoveryEpisodes(g.name())).allSatisfy(ep -> assertThat(ep.isRecovered()).isTrue());
        }
        // every instance that ever existed is either still a member or has a TERMINATED event
        Set<String> accounted = new HashSet<>(present);
        accounted.addAll(terminated);
        assertThat(accounted).isEqualTo(launched);
        assertThat(terminated).isEqualTo(terminating);
        for (int i = 0; i < unique.size(); i++) {
            double availability = world.availability("s" + i);
            assertThat(availability).isBetween(0.0, 100.0);
        }
    }

    @Property(tries = 30)
    void withoutKillsAvailabilityIsExactly100(@ForAll("upToFourGroups") List<GroupSpec> groups,
                                              @ForAll @LongRange(min = 0, max = 1000) long seed) {
        SimulatedWorld.Builder builder = SimulatedWorld.builder().seed(seed);
        for (int i = 0; i < groups.size(); i++) {
            GroupSpec g = groups.get(i);
            builder.group(new GroupSpec("g" + i, g.region(), g.zones(), g.desired(), g.bootTime(), g.replacementDelay(),
                    g.healthCheckGrace(), g.terminationTime(), g.launchFailureRate(), g.tags()));
            builder.service(ServiceSpec.of("s" + i, "g" + i, 10, 10.0 * g.desired(), i > 0 ? new String[] {"s" + (i - 1)} : new String[0]));
        }
        SimulatedWorld world = builder.build();

        world.runFor(Duration.ofDays(7));

        for (int i = 0; i < groups.size(); i++) {
            assertThat(world.availability("s" + i)).isEqualTo(100.0);
        }
        assertThat(world.pendingEvents()).as("an idle world schedules nothing").isZero();
    }

    @Provide
    Arbitrary<List<GroupSpec>> upToFourGroups() {
        return group().list().ofMinSize(1).ofMaxSize(4);
    }

    private static Arbitrary<GroupSpec> group() {
        Arbitrary<Integer> desired = Arbitraries.integers().between(1, 8);
        Arbitrary<Integer> zones = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> bootMin = Arbitraries.integers().between(0, 300);
        Arbitrary<Integer> bootExtra = Arbitraries.integers().between(0, 300);
        Arbitrary<Integer> delay = Arbitraries.integers().between(0, 60);
        Arbitrary<Integer> grace = Arbitraries.integers().between(0, 60);
        Arbitrary<Integer> termination = Arbitraries.integers().between(0, 30);
        Arbitrary<Double> failureRate = Arbitraries.of(0.0, 0.0, 0.1, 0.5);
        return Combinators.combine(desired, zones, bootMin, bootExtra, delay, grace, termination, failureRate)
                .as((d, z, bMin, bExtra, del, gr, term, rate) -> new GroupSpec("g", "r1", List.of("a", "b", "c").subList(0, z), d,
                        new BootTime(Duration.ofSeconds(bMin), Duration.ofSeconds(bMin + bExtra)), Duration.ofSeconds(del),
                        Duration.ofSeconds(gr), Duration.ofSeconds(term), rate, Map.of()));
    }
}
