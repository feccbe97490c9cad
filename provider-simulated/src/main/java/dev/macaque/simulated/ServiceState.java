package dev.macaque.simulated;

import dev.macaque.simulated.events.SimEvent;
import dev.macaque.simulated.scenario.Load;
import dev.macaque.simulated.scenario.ServiceSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mutable state of one service and its exact request integrals.
 *
 * <p>Invariant: whenever the healthy capacity of this service or of any service it (transitively) depends on
 * changes, or any of their loads crosses its capacity, this service is integrated up to that instant first. So
 * between {@link #lastNanos} and the next such instant every capacity in its dependency closure is constant and
 * every success-ratio factor is smooth: a constant, or {@code capacity / load(t)} of a smooth curve. Constant
 * closures are integrated in closed form, curves with Gauss–Legendre quadrature on panels of at most one hour.
 */
final class ServiceState {
    private static final long PANEL_NANOS = Duration.ofHours(1).toNanos();
    // 8-point Gauss–Legendre nodes and weights on [-1, 1]
    private static final double[] GL_X = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
            -0.1834346424956498, 0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
    private static final double[] GL_W = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873,
            0.3626837833783620, 0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

    final ServiceSpec spec;
    final GroupState group;
    final Load load;
    final int topoIndex;
    /** UTC time of day of the world's start, so that a daily curve's {@code peakAt} is a UTC time of day. */
    final long dayOffsetNanos;
    private static final ServiceState[] NONE = {};
    ServiceState[] dependencies = NONE;
    /** Whether every load in the dependency closure is constant. */
    boolean constantClosure;

    double capacity;
    /** Success ratio at {@link #lastNanos}; exact over the whole segment when {@link #constantClosure}. */
    double ratio = 1;
    long lastNanos;
    double offered;
    double served;

    boolean overloaded;
    long overloadSinceNanos;
    final long crashAfterNanos;
    SimEvent crossing;
    SimEvent crashCheck;

    /** Whether it serves less than its load now: it, or a service it depends on, is overloaded. */
    boolean shortNow;
    long shortSinceNanos;
    String shortCulprit;
    double offeredAtShortStart;
    double servedAtShortStart;
    /** Finished shortfall stretches, in order (null until the first); bounded like the series by the run's changes. */
    List<Shortfall> shortfalls;

    // Two points to start: most services of a big fleet change only a few times, and each holds four columns.
    private long[] seriesTimes = new long[2];
    private double[] seriesCapacity = new double[2];
    private double[] seriesLoad = new double[2];
    private double[] seriesRatio = new double[2];
    private int seriesSize;

    ServiceState(ServiceSpec spec, GroupState group, int topoIndex, long dayOffsetNanos) {
        this.spec = spec;
        this.dayOffsetNanos = dayOffsetNanos;
        this.group = group;
        this.load = spec.load();
        this.topoIndex = topoIndex;
        this.crashAfterNanos = spec.overloadCrashAfter().map(Duration::toNanos).orElse(-1L);
    }

    String name() {
        return spec.name();
    }

    /** Offered load at {@code nanos} since the world's start. */
    double loadAt(long nanos) {
        return load.at(nanos + dayOffsetNanos);
    }

    /** This service's own factor {@code min(1, capacity / load)} at {@code nanos}. */
    double ownFactor(long nanos) {
        double l = loadAt(nanos);
        return l <= capacity ? 1.0 : capacity / l;
    }

    /** Success ratio at {@code nanos} with current capacities, dependencies included. */
    double ratioAt(long nanos) {
        double r = ownFactor(nanos);
        for (ServiceState d : dependencies) {
            r *= d.ratioAt(nanos);
        }
        return r;
    }

    /** Adds the requests offered and served in [lastNanos, now] to the totals. */
    void integrateTo(long now) {
        long from = lastNanos;
        if (now <= from) {
            return;
        }
        lastNanos = now;
        if (constantClosure) {
            double seconds = (now - from) / 1e9;
            double l = loadAt(from);
            offered += l * seconds;
            served += l * ratio * seconds;
            return;
        }
        for (long a = from; a < now; a += PANEL_NANOS) {
            long b = Math.min(now, a + PANEL_NANOS);
            double half = (b - a) / 2.0;
            double mid = a + half;
            double o = 0;
            double s = 0;
            for (int i = 0; i < GL_X.length; i++) {
                long t = Math.round(mid + half * GL_X[i]);
                double l = loadAt(t);
                o += GL_W[i] * l;
                s += GL_W[i] * l * ratioAt(t);
            }
            offered += o * half / 1e9;
            served += s * half / 1e9;
        }
    }

    /** Recomputes capacity and ratio at {@code now} (dependencies must be current) and records a change point. */
    void refresh(long now) {
        capacity = group.healthy * spec.capacityPerInstance();
        double r = ownFactor(now);
        for (ServiceState d : dependencies) {
            r *= d.ratio;
        }
        ratio = r;
        double l = loadAt(now);
        int last = seriesSize - 1;
        if (last >= 0 && seriesCapacity[last] == capacity && seriesRatio[last] == ratio && seriesLoad[last] == l) {
            return;
        }
        if (last >= 0 && seriesTimes[last] == now) {
            seriesCapacity[last] = capacity;
            seriesLoad[last] = l;
            seriesRatio[last] = ratio;
            return;
        }
        if (seriesSize == seriesTimes.length) {
            int n = seriesSize < 64 ? seriesSize * 2 : seriesSize + (seriesSize >> 1);
            seriesTimes = Arrays.copyOf(seriesTimes, n);
            seriesCapacity = Arrays.copyOf(seriesCapacity, n);
            seriesLoad = Arrays.copyOf(seriesLoad, n);
            seriesRatio = Arrays.copyOf(seriesRatio, n);
        }
        seriesTimes[seriesSize] = now;
        seriesCapacity[seriesSize] = capacity;
        seriesLoad[seriesSize] = l;
        seriesRatio[seriesSize] = ratio;
        seriesSize++;
    }

    List<SeriesPoint> series() {
        List<SeriesPoint> points = new ArrayList<>(seriesSize);
        for (int i = 0; i < seriesSize; i++) {
            points.add(new SeriesPoint(Duration.ofNanos(seriesTimes[i]), seriesCapacity[i], seriesLoad[i], seriesRatio[i]));
        }
        return points;
    }

    /**
     * Whether the load exceeds the healthy capacity during the stretch starting at {@code now} (evaluated between now
     * and the next crossing, so a crossing that was rounded to whole nanoseconds cannot flip the answer).
     */
    boolean overloadedAfter(long now, long nextCrossing) {
        long probe = nextCrossing == Long.MAX_VALUE ? now : now + (nextCrossing - now) / 2;
        return loadAt(probe) > capacity;
    }

    /** The first instant after {@code now} at which a daily load crosses the current capacity, or MAX_VALUE. */
    long nextCrossing(long now) {
        if (!(load instanceof Load.Daily daily) || daily.isConstant()) {
            return Long.MAX_VALUE;
        }
        double amplitude = daily.peak() - daily.base();
        double k = 2 * (capacity - daily.base()) / amplitude - 1;
        if (k >= 1 || k <= -1) {
            return Long.MAX_VALUE;
        }
        double theta = StrictMath.acos(k);
        double phase = daily.phase(now + dayOffsetNanos);
        double twoPi = 2 * Math.PI;
        double toFalling = floorModAngle(theta - phase);
        double toRising = floorModAngle(twoPi - theta - phase);
        double delta = Math.min(toFalling, toRising);
        long nanos = (long) Math.ceil(delta / twoPi * Load.DAY_NANOS);
        return now + Math.max(1, nanos);
    }

    private static double floorModAngle(double angle) {
        double twoPi = 2 * Math.PI;
        double m = angle % twoPi;
        if (m < 0) {
            m += twoPi;
        }
        return m < 1e-12 ? twoPi : m;
    }
}
