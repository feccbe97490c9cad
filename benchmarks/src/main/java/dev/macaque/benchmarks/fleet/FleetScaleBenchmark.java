package dev.macaque.benchmarks.fleet;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Fleet scale: {@code groups} × 10 instances for {@code days} simulated days under {@link FleetScaleRun}'s chaos,
 * in a 1 GiB heap. The score is wall time per month; the auxiliary counters give the heap peaks (MiB; see
 * {@link HeapPeak}), runs completed and world events. Its baseline in the same run is {@link #worldOnlyMonth}:
 * the same kills at the same instants made directly in the world, which isolates what the engine costs.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Timeout(time = 30, timeUnit = TimeUnit.MINUTES)
public class FleetScaleBenchmark {
    public static final long SEED = 7L;

    @State(Scope.Benchmark)
    public static class Month {
        @Param({"10000"})
        public int groups;

        @Param({"30"})
        public int days;

        @Param({"20"})
        public int regions;

        public FleetScaleRun run;

        @Setup(Level.Iteration)
        public void build() {
            run = new FleetScaleRun(SEED, groups, 10, regions);
        }
    }

    /** Counters reported next to the time; JMH requires thread scope for them. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Counters {
        /** Sum of the heap pools' peaks, MiB: an upper bound that includes garbage; see {@link HeapPeak}. */
        public long heapPeakMiB;
        /** Largest heap occupancy after a collection, MiB: the live data at its peak; see {@link HeapPeak}. */
        public long liveHeapPeakMiB;
        public long runsCompleted;
        public long worldEvents;
        private HeapPeak heap;

        @Setup(Level.Iteration)
        public void reset() {
            heapPeakMiB = 0;
            liveHeapPeakMiB = 0;
            runsCompleted = 0;
            worldEvents = 0;
            heap = HeapPeak.start();
        }

        @TearDown(Level.Iteration)
        public void readHeap() {
            heapPeakMiB = heap.usedBytes() >> 20;
            liveHeapPeakMiB = heap.liveBytes() >> 20;
            heap.close();
        }
    }

    @Benchmark
    public FleetScaleRun.Outcome chaosMonth(Month month, Counters counters) {
        FleetScaleRun.Outcome outcome = month.run.run(month.days);
        counters.runsCompleted = outcome.runsCompleted();
        counters.worldEvents = outcome.worldEvents();
        return outcome;
    }

    @Benchmark
    public FleetScaleRun.Outcome worldOnlyMonth(Month month, Counters counters) {
        FleetScaleRun.Outcome outcome = month.run.worldOnly(month.days);
        counters.runsCompleted = outcome.runsCompleted();
        counters.worldEvents = outcome.worldEvents();
        return outcome;
    }
}
