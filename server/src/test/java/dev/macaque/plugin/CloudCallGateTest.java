package dev.macaque.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.cloudcalls.CloudCallMetrics;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.ProviderException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate a plugin gets through {@code ProviderContext.callGate()} (SPI 1.4) spends the call budget configured for its
 * instance ({@code providers.<id>.callsPerSecond} and {@code burst}), per HTTP request; a plugin that does not gate
 * keeps one permit per SPI call.
 */
class CloudCallGateTest {
    @TempDir
    Path plugins;

    private final CloudCallMetrics metrics = CloudCallMetrics.unscraped();

    /** A plugin whose listing sends three requests (pages), each through the context's gate. */
    private void gatingPlugin() {
        String source = TestPlugins.factorySource("paging", "paging", "SpiVersion.CURRENT", "\"pages through the gate\"")
                .replace("""
                            @Override public List<GroupSummary> listGroups(GroupFilter filter) {
                        """, """
                            @Override public boolean gatesEachRequest() { return true; }
                            @Override public List<GroupSummary> listGroups(GroupFilter filter) {
                                for (int page = 1; page <= 3; page++) {
                                    context.callGate().acquire("list page " + page);
                                }
                        """);
        assertThat(source).contains("context.callGate().acquire");
        TestPlugins.jar().source("paging.Factory", source).service("paging.Factory").writeTo(plugins.resolve("paging/paging.jar"));
    }

    private ProviderInstances instances(Map<String, Object> settings) {
        MacaqueConfig config = new MacaqueConfig(null, null, null, null, null, Map.of("p-1", settings));
        ProviderCatalog catalog = new PluginLoader(CloudCallGateTest.class.getClassLoader()).load(plugins);
        return ProviderInstances.create(catalog, config, Clock.systemUTC(), metrics, Duration.ofMillis(100));
    }

    @Test
    void theContextsGateSpendsTheInstancesConfiguredBudgetPerRequestAndNoPermitPerCall() {
        gatingPlugin();
        // 3 permits per 300 s: one listing of 3 pages fits only if the call itself takes none
        try (ProviderInstances instances = instances(Map.of("type", "paging", "region", "r1", "callsPerSecond", "0.01", "burst", "3"))) {
            CloudProvider provider = instances.byId("p-1").orElseThrow().provider();
            assertThat(provider.gatesEachRequest()).isTrue();

            assertThat(provider.listGroups(GroupFilter.ALL)).hasSize(1);
            assertThat(metrics.requests("p-1")).isEqualTo(3);

            assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.THROTTLED);
                        assertThat(e.getMessage()).contains("list page 1 (one HTTP request) waited over 100ms for its call"
                                + " budget (providers.p-1.callsPerSecond=0.01, burst=3)");
                    });
            assertThat(metrics.requests("p-1")).isEqualTo(3);
            assertThat(metrics.count("p-1", "listGroups", CloudCallMetrics.BUDGET_EXHAUSTED)).isEqualTo(1);
            assertThat(metrics.throttled("p-1")).isEqualTo(1);
        }
    }

    @Test
    void aPluginBuiltBeforeTheGateKeepsOnePermitPerCall() {
        TestPlugins.jar().source("old.Factory", TestPlugins.spiOneZeroFactorySource("old", "old"))
                .service("old.Factory").writeTo(plugins.resolve("old/old.jar"));
        try (ProviderInstances instances = instances(Map.of("type", "old", "callsPerSecond", "0.01", "burst", "2"))) {
            CloudProvider provider = instances.byId("p-1").orElseThrow().provider();
            assertThat(provider.gatesEachRequest()).isFalse();

            provider.listGroups(GroupFilter.ALL);
            provider.listGroups(GroupFilter.ALL);
            assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL)).isInstanceOf(ProviderException.class)
                    .hasMessageContaining("listGroups waited over 100ms for its call budget");

            assertThat(metrics.requests("p-1")).as("nothing passed a gate").isZero();
            assertThat(metrics.count("p-1", "listGroups", "ok")).isEqualTo(2);
            assertThat(metrics.count("p-1", "listGroups", CloudCallMetrics.BUDGET_EXHAUSTED)).isEqualTo(1);
        }
    }
}
