package dev.macaque.safety;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.engine.TaskScheduler;
import dev.macaque.engine.probe.HttpProbes;
import dev.macaque.engine.probe.ProbeEvaluator;
import dev.macaque.http.RouteGroup;

/** Steady-state probes in the server: the evaluator the runs use, and the server-wide stop conditions. */
public final class StopConditionsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(StopConditionRoutes.class).in(Singleton.class);
        Multibinder.newSetBinder(binder(), RouteGroup.class).addBinding().to(StopConditionRoutes.class);
    }

    /** http and prometheus probes over the network; header values {@code ${env:NAME}} from the server's environment. */
    @Provides
    @Singleton
    ProbeEvaluator probes() {
        return ProbeEvaluator.network(new HttpProbes(System::getenv));
    }

    @Provides
    @Singleton
    StopConditionMonitor stopConditions(MacaqueConfig config, ProbeEvaluator probes, TaskScheduler scheduler) {
        return new StopConditionMonitor(config.safety().stopConditionProbes(), probes, scheduler);
    }
}
