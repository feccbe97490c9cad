package dev.macaque.experiments;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.engine.ExperimentSpec;
import dev.macaque.inventory.FleetInventory;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.simulate.FleetSnapshot;
import dev.macaque.simulate.Prediction;
import dev.macaque.simulate.ZoneReadiness;
import dev.macaque.simulated.scenario.GroupSpec;
import dev.macaque.simulations.MeasuredRecoveries;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ProviderException;
import dev.macaque.text.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Predict before you kill, in the server: reads the live fleet of the one provider a spec reaches into a
 * {@link FleetSnapshot} (boot times from this server's measured times to recover, else the stated default) and runs
 * the spec against it in virtual time with the seed the run will use. Bounded by the training simulations' limits
 * ({@code simulations.maxInstances}, {@code simulations.maxDuration}); beyond them it refuses, it never predicts part.
 */
public final class RunPredictor {
    /** Why a prediction cannot be made; {@code tooLarge} when a limit was exceeded (the limit is named). */
    public static final class NotPredictable extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        NotPredictable(String message, boolean tooLarge) {
            super(message);
            this.tooLarge = tooLarge;
        }

        public boolean tooLarge() {
            return tooLarge;
        }
    }

    /** Every worker that may predict at once is busy: the request may be sent again shortly. */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy(String message) {
            super(message);
        }
    }

    /** The model simulates the recovery timeout plus this margin, as {@link Prediction#predict} does. */
    private static final Duration MARGIN = Duration.ofHours(1);

    private final ProviderInstances providers;
    private final FleetInventory inventory;
    private final MeasuredRecoveries measured;
    private final MacaqueConfig.SimulationsConfig limits;
    private final Duration maxDuration;
    private final Clock clock;
    /** Predictions run on the request's thread, so at most {@code simulations.workers} at once. */
    private final java.util.concurrent.Semaphore running;

    /** @param inventory the node's inventory, which zone readiness reads the fleet from */
    public RunPredictor(ProviderInstances providers, FleetInventory inventory, MeasuredRecoveries measured,
            MacaqueConfig.SimulationsConfig limits, Clock clock) {
        this.providers = Objects.requireNonNull(providers, "providers is null");
        this.inventory = Objects.requireNonNull(inventory, "inventory is null");
        this.measured = Objects.requireNonNull(measured, "measured is null");
        this.limits = Objects.requireNonNull(limits, "limits is null");
        this.maxDuration = Durations.parse(limits.maxDuration());
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.running = new java.util.concurrent.Semaphore(limits.workers());
    }

    /**
     * Predicts {@code spec}, which carries the seed the run will use; throws {@link NotPredictable} with the reason, or
     * {@link Busy} when {@code simulations.workers} predictions are running already.
     */
    public PredictionView predict(ExperimentSpec spec) {
        if (!running.tryAcquire()) {
            throw new Busy(limits.workers() + " predictions are running, the most this server runs at once "
                    + "(simulations.workers); try again when one has finished");
        }
        try {
            return predictBounded(spec);
        } finally {
            running.release();
        }
    }

    private PredictionView predictBounded(ExperimentSpec spec) {
        ConfiguredProvider provider = theOneProvider(spec);
        Duration window = spec.recovery().timeout().plus(MARGIN);
        if (window.compareTo(maxDuration) > 0) {
            throw new NotPredictable("the prediction would simulate " + Durations.format(window) + " (recovery.timeout plus "
                    + Durations.format(MARGIN) + "), longer than the " + limits.maxDuration() + " this server simulates "
                    + "(simulations.maxDuration)", true);
        }
        Map<String, Duration> bootTimes = measured.byGroupName(provider.id());
        FleetSnapshot snapshot = snapshot(provider, bootTimes);
        Prediction prediction = Prediction.predict(snapshot, spec, spec.seed());
        List<PredictionView.GroupPrediction> recoveries = new ArrayList<>();
        for (Prediction.GroupRecoveryPrediction group : prediction.recoveries()) {
            Duration measuredBoot = bootTimes.get(group.group().name());
            Duration boot = measuredBoot != null ? measuredBoot : FleetSnapshot.DEFAULT_BOOT;
            recoveries.add(new PredictionView.GroupPrediction(group.group().toString(), group.kills(),
                    group.recovery().map(RunPredictor::seconds).orElse(null), seconds(boot),
                    measuredBoot != null ? "measured" : "default"));
        }
        List<String> caveats = new ArrayList<>(prediction.caveats());
        caveats.add("the model knows this provider's fleet only: kills in flight in other runs, the fleet-wide budgets and "
                + "the kill history are decided when the run records each intent");
        return new PredictionView(spec.seed(), provider.id(), snapshot.takenAt(), Durations.format(window),
                prediction.victims().stream().map(RunView.VictimView::of).toList(),
                prediction.refusals().stream().map(r -> new PreviewView.WouldRefuseView(r.group().toString(), r.instanceId(),
                        r.reason().name(), r.message())).toList(),
                recoveries, caveats);
    }

    /**
     * Zone readiness of one provider's fleet ({@code GET /api/v1/zones}): a snapshot of the inventory (no cloud call
     * within a refresh interval), each zone's outage planned and simulated against it; nothing is started.
     * {@code providerId} may be null when one provider is configured.
     * Bounded as predictions are ({@code simulations.workers}, {@code simulations.maxInstances}).
     */
    public ZoneReadiness zoneReadiness(String providerId, ExperimentSpec.Guardrails guardrails) {
        if (!running.tryAcquire()) {
            throw new Busy(limits.workers() + " predictions are running, the most this server runs at once "
                    + "(simulations.workers); try again when one has finished");
        }
        try {
            ConfiguredProvider provider = theOneProvider(providerId == null ? java.util.Set.of() : java.util.Set.of(providerId));
            return ZoneReadiness.assess(snapshot(provider, measured.byGroupName(provider.id())), guardrails);
        } finally {
            running.release();
        }
    }

    /**
     * The provider's fleet within {@code simulations.maxInstances}, as the node's inventory holds it (the view runs
     * read): a prediction or a zone readiness costs the cloud no listing or member read of its own within a refresh
     * interval. It is dated by the inventory's listing.
     */
    private FleetSnapshot snapshot(ConfiguredProvider provider, Map<String, Duration> bootTimes) {
        FleetSnapshot snapshot;
        try {
            CloudProvider cloud = provider.providerIfReady().orElseThrow();
            CloudProvider reader = inventory.providers().stream().filter(p -> p.id().equals(provider.id())).findFirst().orElse(cloud);
            // from the inventory: the fleet as it was last listed (members are reused for at most one refresh interval)
            Instant takenAt = reader == cloud ? clock.instant()
                    : inventory.provider(provider.id()).map(i -> i.listing().observedAt()).orElseGet(clock::instant);
            snapshot = FleetSnapshot.capture(reader, bootTimes, takenAt);
        } catch (ProviderException | IllegalArgumentException e) {
            throw new NotPredictable("reading the fleet of provider " + provider.id() + " failed: " + e.getMessage(),
                    e instanceof IllegalArgumentException);
        }
        long instances = snapshot.scenario().groups().stream().mapToLong(GroupSpec::desired).sum();
        if (instances > limits.maxInstances()) {
            throw new NotPredictable("provider " + provider.id() + " has " + instances + " instances; this server predicts for "
                    + "at most " + limits.maxInstances() + " (simulations.maxInstances): snapshot it with macaque snapshot and "
                    + "simulate it with macaque simulate instead", true);
        }
        return snapshot;
    }

    /** The spec's provider: the one it names, or the only one configured; a prediction models one provider's fleet. */
    private ConfiguredProvider theOneProvider(ExperimentSpec spec) {
        return theOneProvider(spec.targets().providers());
    }

    private ConfiguredProvider theOneProvider(java.util.Set<String> named) {
        List<String> reachable = named.isEmpty()
                ? providers.all().stream().map(ConfiguredProvider::id).sorted().toList()
                : named.stream().sorted().toList();
        if (reachable.size() != 1) {
            throw new NotPredictable("a prediction simulates the fleet of one provider, and this spec reaches "
                    + (reachable.isEmpty() ? "none" : reachable.size() + " (" + String.join(", ", reachable) + ")")
                    + ": name one in targets.providers", false);
        }
        ConfiguredProvider provider = providers.byId(reachable.get(0)).orElseThrow(() -> new NotPredictable("no provider "
                + reachable.get(0) + " is configured (configured: " + String.join(", ",
                providers.all().stream().map(ConfiguredProvider::id).sorted().toList()) + ")", false));
        if (!provider.isReady()) {
            throw new NotPredictable("provider " + provider.id() + " could not be created: " + provider.error(), false);
        }
        return provider;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
