package dev.macaque.simulate;

import dev.macaque.simulated.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one scenario with every seed of a range, in parallel, and keeps each seed's outcome. Each seed is its own
 * world with its own engine (nothing is shared between them), and results are stored by seed, so the sweep's
 * outcome does not depend on the number of threads or on which finishes first.
 */
public final class SeedSweep {
    /** A sweep of more seeds than this is refused: its results stay in memory. */
    public static final int MAX_SEEDS = 10_000;

    /** {@code a..b}, both included. */
    public record SeedRange(long first, long last) {
        private static final Pattern SHAPE = Pattern.compile("(-?\\d+)\\.\\.(-?\\d+)");

        public SeedRange {
            if (last < first) {
                throw new IllegalArgumentException("seed range " + first + ".." + last + " is empty: write FIRST..LAST with FIRST <= LAST");
            }
            if (last - first + 1 > MAX_SEEDS || last - first + 1 <= 0) {
                throw new IllegalArgumentException("seed range " + first + ".." + last + " has more than " + MAX_SEEDS + " seeds");
            }
        }

        /** Parses {@code 1..200}. */
        public static SeedRange parse(String text) {
            Matcher m = SHAPE.matcher(text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a seed range; write FIRST..LAST, e.g. 1..200");
            }
            try {
                return new SeedRange(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "': seeds must be 64-bit integers", e);
            }
        }

        public int size() {
            return (int) (last - first + 1);
        }

        @Override
        public String toString() {
            return first + ".." + last;
        }
    }

    /**
     * What one seed gave.
     *
     * @param passed       per hypothesis, scenario order
     * @param values       the measured value per hypothesis
     * @param availability per service, scenario order
     */
    public record SeedResult(long seed, List<Boolean> passed, List<Double> values, List<Double> availability, int kills,
                             int incidents) {
        public SeedResult {
            passed = List.copyOf(passed);
            values = List.copyOf(values);
            availability = List.copyOf(availability);
        }

        public int failed() {
            return (int) passed.stream().filter(p -> !p).count();
        }

        public double lowestAvailability() {
            return availability.stream().mapToDouble(Double::doubleValue).min().orElse(100);
        }
    }

    private SeedSweep() {
    }

    /**
     * Runs {@code scenario} once per seed of {@code range} on {@code threads} threads.
     *
     * @param done told the number of seeds finished so far, from the worker threads
     * @throws SimulationInput's {@link dev.macaque.simulated.scenario.ScenarioException} when the scenario is invalid;
     *         an {@link OutOfMemoryError} of a worker is rethrown as it is
     */
    public static SweepReport run(Scenario scenario, SeedRange range, int threads, IntConsumer done) {
        Objects.requireNonNull(scenario, "scenario");
        SimulationInput.of(scenario, range.first()); // validate once, before starting any thread
        SeedResult[] results = new SeedResult[range.size()];
        AtomicInteger finished = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, range.size())), r -> {
            Thread thread = new Thread(r, "sweep");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < results.length; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    results[index] = runSeed(scenario, range.first() + index);
                    done.accept(finished.incrementAndGet());
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("seed sweep interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new SweepReport(scenario.name(), scenario.source(), range,
                scenario.hypotheses().stream().map(h -> h.text().strip()).toList(),
                scenario.services().stream().map(s -> s.name()).toList(), List.of(results));
    }

    static SeedResult runSeed(Scenario scenario, long seed) {
        SimulationReport report = new Simulation(SimulationInput.of(scenario, seed), List.of()).run(Simulation.ProgressListener.NONE);
        return new SeedResult(seed, report.hypotheses().stream().map(HypothesisResult::passed).toList(),
                report.hypotheses().stream().map(HypothesisResult::value).toList(),
                report.services().stream().map(SimulationReport.ServiceReport::availability).toList(),
                report.kills().size(), report.incidents().size());
    }
}
