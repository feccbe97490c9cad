package dev.macaque.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.MemberTermination;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The server hands out providers wrapped in layers (plugin class loader, leash, call budget, inventory). A layer that
 * does not override an SPI method silently falls back to the SPI's default and loses what the plugin does there (a
 * cloud's batch read or batch termination): every layer must pass every method on.
 */
class ProviderWrappersTest {

    @ParameterizedTest
    @ValueSource(strings = {"dev.macaque.plugin.ClassLoaderSafeCloudProvider", "dev.macaque.plugin.LeashedCloudProvider",
            "dev.macaque.cloudcalls.GovernedCloudProvider", "dev.macaque.inventory.InventoriedCloudProvider"})
    void everyLayerOverridesEverySpiMethod(String layer) throws ClassNotFoundException {
        Class<?> wrapper = Class.forName(layer);
        List<String> missing = new ArrayList<>();
        for (Method method : CloudProvider.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                wrapper.getDeclaredMethod(method.getName(), method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(method.getName());
            }
        }
        assertThat(missing).as(layer + " falls back to the SPI's default for these methods").isEmpty();
    }

    @Test
    void aLeashedBatchTerminationReachesTheCloudAsDryRunsOnly() {
        List<TerminationRequest> seen = new ArrayList<>();
        CloudProvider cloud = new CloudProvider() {
            @Override
            public String id() {
                return "aws-prod";
            }

            @Override
            public String type() {
                return "aws";
            }

            @Override
            public List<GroupSummary> listGroups(GroupFilter filter) {
                return List.of();
            }

            @Override
            public VmGroup describeGroup(GroupRef group) {
                throw new UnsupportedOperationException("not read in this test");
            }

            @Override
            public dev.macaque.spi.GroupHealth health(GroupRef group) {
                throw new UnsupportedOperationException("not read in this test");
            }

            @Override
            public TerminationResult terminate(TerminationRequest request) {
                throw new AssertionError("the batch call is used, not terminate");
            }

            @Override
            public List<MemberTermination> terminateMembers(GroupRef group, List<TerminationRequest> requests) {
                seen.addAll(requests);
                return requests.stream().map(r -> MemberTermination.done(r, new TerminationResult(group, r.instanceId(),
                        TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE, "dry run"))).toList();
            }
        };
        GroupRef group = new GroupRef("aws-prod", "us-east-1", "web");
        List<TerminationRequest> real = Stream.of("i-1", "i-2")
                .map(id -> new TerminationRequest(group, id, false, "zone outage", "run-1-" + id)).toList();

        List<MemberTermination> outcomes = new LeashedCloudProvider(cloud).terminateMembers(group, real);

        assertThat(seen).extracting(TerminationRequest::dryRun).containsExactly(true, true);
        assertThat(outcomes).extracting(o -> o.request().dryRun()).containsExactly(false, false);
        assertThat(outcomes).allSatisfy(o -> assertThat(o.result().detail()).startsWith("leashed"));
    }
}
