package dev.macaque.simulated.scenario;

import java.time.Duration;

/** Offered load of a service in requests per second, as a function of virtual time. */
public sealed interface Load {

    long DAY_NANOS = Duration.ofDays(1).toNanos();

    /** Requests per second at {@code nanos} since midnight UTC of the world's first day. */
    double at(long nanos);

    /** Whether the load never changes (availability is then integrated in closed form). */
    boolean isConstant();

    /** The same offered load at every instant. */
    record Constant(double rps) implements Load {
        public Constant {
            if (!(rps >= 0) || Double.isInfinite(rps)) {
                throw new IllegalArgumentException("load must be a finite number >= 0, was " + rps);
            }
        }

        @Override
        public double at(long nanos) {
            return rps;
        }

        @Override
        public boolean isConstant() {
            return true;
        }
    }

    /**
     * A daily raised-cosine curve: {@code base} at {@code peakAt ± 12h}, {@code peak} at {@code peakAt} (UTC time of
     * day), smooth in between:
     * {@code load(t) = base + (peak - base) * (1 + cos(2π (t - peakAt) / 1d)) / 2}.
     */
    record Daily(double base, double peak, Duration peakAt) implements Load {
        public Daily {
            if (!(base >= 0) || !(peak >= base) || Double.isInfinite(peak)) {
                throw new IllegalArgumentException("daily load needs 0 <= base <= peak, got base=" + base + " peak=" + peak);
            }
            if (peakAt.isNegative() || peakAt.compareTo(Duration.ofDays(1)) >= 0) {
                throw new IllegalArgumentException("peakAt must be a time of day in [0, 24h), was " + peakAt);
            }
        }

        @Override
        public double at(long nanos) {
            return base + (peak - base) * (1 + StrictMath.cos(phase(nanos))) / 2;
        }

        /** The curve's angle at {@code nanos}: 0 at the peak, in [0, 2π). */
        public double phase(long nanos) {
            long sincePeak = Math.floorMod(nanos - peakAt.toNanos(), DAY_NANOS);
            return 2 * StrictMath.PI * sincePeak / DAY_NANOS;
        }

        @Override
        public boolean isConstant() {
            return base == peak;
        }
    }
}
