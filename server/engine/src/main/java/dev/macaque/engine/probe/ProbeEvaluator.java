package dev.macaque.engine.probe;

import java.util.concurrent.CompletableFuture;
import java.util.function.ToDoubleFunction;

/**
 * Evaluates probes. An evaluation never blocks the caller: it returns a future that completes (never exceptionally)
 * within the probe's timeout, on whatever thread. In virtual time (tests, the simulator) evaluators complete
 * synchronously, so that runs stay deterministic.
 */
@FunctionalInterface
public interface ProbeEvaluator {
    CompletableFuture<ProbeResult> evaluate(Probe probe);

    /** Evaluates nothing: every probe fails with that reason (a runner built without probe support). */
    ProbeEvaluator UNSUPPORTED = probe -> CompletableFuture.completedFuture(ProbeResult.fail(probe.name(), "none",
            "no evaluator for " + probe.kind() + " probes is configured here"));

    /**
     * {@code http} and {@code prometheus} probes through {@code network}; {@code service} probes read
     * {@code successRatio} of the named service (the simulated world) at this instant.
     */
    static ProbeEvaluator routing(ProbeEvaluator network, ToDoubleFunction<String> successRatio) {
        return probe -> {
            if (probe instanceof Probe.Service service) {
                return CompletableFuture.completedFuture(ServiceProbes.evaluate(service, successRatio));
            }
            return network.evaluate(probe);
        };
    }

    /** Real runs: no simulated world, so a {@code service} probe fails and says why. */
    static ProbeEvaluator network(ProbeEvaluator network) {
        return probe -> {
            if (probe instanceof Probe.Service) {
                return CompletableFuture.completedFuture(ProbeResult.fail(probe.name(), "none",
                        "service probes read the simulated world and only run in 'macaque simulate'"));
            }
            return network.evaluate(probe);
        };
    }
}
