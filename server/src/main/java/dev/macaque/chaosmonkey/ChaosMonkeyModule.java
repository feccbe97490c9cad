package dev.macaque.chaosmonkey;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.audit.AuditLog;
import dev.macaque.node.NodeIdentity;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.text.Durations;
import dev.macaque.experiments.ExperimentService;
import dev.macaque.http.RouteGroup;
import dev.macaque.killswitch.KillSwitchStore;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.store.Database;
import java.time.Clock;

/** Chaos Monkey mode: stored schedules, their routes, the outage check and the runner. */
public final class ChaosMonkeyModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ScheduleRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(ScheduleRoutes.class);
    }

    @Provides
    @Singleton
    ScheduleStore store(Database database) {
        return new ScheduleStore(database);
    }

    @Provides
    @Singleton
    EligibleGroups eligibleGroups(dev.macaque.inventory.FleetInventory inventory) {
        // schedules' eligibility reads the node's inventory, not the cloud, each time it plans
        return new EligibleGroups(() -> inventory.providers().stream().collect(java.util.stream.Collectors.toMap(
                dev.macaque.spi.CloudProvider::id, p -> p, (a, b) -> a, java.util.LinkedHashMap::new)));
    }

    @Provides
    @Singleton
    ScheduleService service(ScheduleStore store, EligibleGroups groups, AuditLog audit, ObjectMapper json, Clock clock) {
        return new ScheduleService(store, groups, audit, json, clock);
    }

    @Provides
    @Singleton
    OutageCheck outageCheck(MacaqueConfig config, ProviderInstances providers,
            dev.macaque.safety.StopConditionMonitor stopConditions) {
        MacaqueConfig.OutageCheckConfig check = config.outageCheck();
        return new OutageCheck(check.url(), Durations.parse(check.timeout()), check.providerHealth(), providers::ready,
                stopConditions);
    }

    @Provides
    @Singleton
    ScheduleRunner runner(ScheduleStore store, EligibleGroups groups, OutageCheck outageCheck, KillSwitchStore killSwitch,
            ExperimentService experiments, AuditLog audit, ObjectMapper json, NodeIdentity node) {
        return new ScheduleRunner(store, groups, outageCheck, killSwitch, experiments, audit, json, node.nodeId(), node.leaseDuration());
    }
}
