package dev.macaque.cloudcalls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How fast one provider instance may call its cloud: on average {@code callsPerSecond}, at most {@code burst} calls
 * back to back. Set per instance as {@code providers.<id>.callsPerSecond} and {@code providers.<id>.burst} (keys of
 * the server, never passed to the plugin); absent keys take the defaults of the provider's type.
 *
 * <p>Enforced (resilience4j {@code RateLimiter}) as {@code burst} permits every {@code burst / callsPerSecond} seconds:
 * over a long stretch {@code callsPerSecond} calls a second, and in any one second at most
 * {@code callsPerSecond + 2 * burst} (a window can touch the end of one period, whole periods, and the start of
 * another).
 *
 * @param callsPerSecond sustained calls per second, > 0
 * @param burst          calls that may go out at once, >= 1
 */
public record CallBudget(double callsPerSecond, int burst) {
    /** The server's own keys under {@code providers.<id>}. */
    public static final String CALLS_PER_SECOND = "callsPerSecond";
    public static final String BURST = "burst";
    public static final List<String> KEYS = List.of(CALLS_PER_SECOND, BURST);

    /**
     * Defaults per provider type, below each cloud's documented read quota so that Macaque leaves room for everyone
     * else on the account: AWS EC2 refills describe calls at 20 a second (Auto Scaling publishes no figure); ARM allows
     * 250 reads per subscription as a bucket refilled at 25 a second; Compute Engine's default read quota is 1,500 a
     * minute per project (25 a second). The simulated cloud has no quota. Any other type (a plugin, whose cloud
     * Macaque does not know) gets {@link #OTHER}: a bound, not a guess at its quota; set the keys for it.
     */
    public static final Map<String, CallBudget> DEFAULTS = Map.of(
            "aws", new CallBudget(10, 10),
            "azure", new CallBudget(10, 10),
            "gcp", new CallBudget(10, 10),
            "simulated", new CallBudget(1_000, 1_000));
    public static final CallBudget OTHER = new CallBudget(50, 50);

    public CallBudget {
        if (!(callsPerSecond > 0) || Double.isInfinite(callsPerSecond)) {
            throw new IllegalArgumentException("callsPerSecond must be > 0, was " + callsPerSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be >= 1, was " + burst);
        }
    }

    public static CallBudget defaultFor(String type) {
        return DEFAULTS.getOrDefault(type == null ? "" : type.toLowerCase(Locale.ROOT), OTHER);
    }

    /** How often {@link #burst()} permits are renewed. */
    public Duration refreshPeriod() {
        return Duration.ofNanos(Math.max(1, Math.round(burst / callsPerSecond * 1e9)));
    }

    /**
     * The budget an instance's settings ask for, or the problems with them (each naming its key). Values come as
     * YAML gave them: numbers, or strings from environment overrides.
     */
    public static Parsed parse(String type, Map<String, ?> settings) {
        CallBudget defaults = defaultFor(type);
        List<String> problems = new ArrayList<>();
        double rate = defaults.callsPerSecond();
        int burst = defaults.burst();
        Object rateValue = settings.get(CALLS_PER_SECOND);
        if (rateValue != null) {
            try {
                rate = Double.parseDouble(String.valueOf(rateValue).trim());
                if (!(rate > 0) || rate > 100_000 || Double.isNaN(rate)) {
                    problems.add(CALLS_PER_SECOND + ": must be a number above 0 and at most 100000, was '" + rateValue + "'");
                }
            } catch (NumberFormatException e) {
                problems.add(CALLS_PER_SECOND + ": must be a number of calls per second (e.g. 10 or 0.5), was '" + rateValue + "'");
            }
        }
        Object burstValue = settings.get(BURST);
        if (burstValue != null) {
            try {
                burst = Integer.parseInt(String.valueOf(burstValue).trim());
                if (burst < 1 || burst > 100_000) {
                    problems.add(BURST + ": must be a whole number from 1 to 100000, was '" + burstValue + "'");
                }
            } catch (NumberFormatException e) {
                problems.add(BURST + ": must be a whole number of calls (e.g. 20), was '" + burstValue + "'");
            }
        }
        return problems.isEmpty() ? new Parsed(new CallBudget(rate, burst), List.of()) : new Parsed(null, List.copyOf(problems));
    }

    /** @param budget the budget, or null when {@code problems} is not empty; each problem starts with its key */
    public record Parsed(CallBudget budget, List<String> problems) {
    }
}
