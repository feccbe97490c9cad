package dev.macaque.cloudcalls;

import dev.macaque.spi.CallGate;
import dev.macaque.spi.ProviderException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Objects;

/**
 * The one rate limiter that enforces a provider instance's {@link CallBudget}, shared by the two ways a permit is
 * taken: per HTTP request through the {@link #gate()} handed to the plugin (SPI 1.4, for a provider that
 * {@linkplain dev.macaque.spi.CloudProvider#gatesEachRequest() gates each request}), or per SPI call by
 * {@link GovernedCloudProvider} for a provider that does not. One limiter, so that both count against one budget.
 */
public final class CallBudgetLimiter {
    private final String provider;
    private final CallBudget budget;
    private final Duration wait;
    private final CloudCallMetrics metrics;
    private final RateLimiter limiter;
    private final CallGate gate;

    /**
     * @param provider the instance id
     * @param wait     how long a request or call waits for a permit before it fails as throttled
     */
    public CallBudgetLimiter(String provider, CallBudget budget, Duration wait, CloudCallMetrics metrics) {
        this.provider = Objects.requireNonNull(provider, "provider is null");
        this.budget = Objects.requireNonNull(budget, "budget is null");
        this.wait = Objects.requireNonNull(wait, "wait is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.limiter = RateLimiter.of("cloud-" + provider, RateLimiterConfig.custom()
                .limitForPeriod(budget.burst())
                .limitRefreshPeriod(budget.refreshPeriod())
                .timeoutDuration(wait)
                .build());
        this.gate = this::admitRequest;
    }

    public CallBudget budget() {
        return budget;
    }

    /** The gate for {@link dev.macaque.spi.ProviderContext#callGate()}: one permit per HTTP request. */
    public CallGate gate() {
        return gate;
    }

    private void admitRequest(String operation) {
        if (!limiter.acquirePermission()) {
            metrics.budgetRefused(provider);
            throw new BudgetExhausted(exhausted(operation + " (one HTTP request)"));
        }
        metrics.requestAdmitted(provider);
    }

    /**
     * Takes {@code permits} for one SPI call of a provider that does not gate its requests.
     *
     * @throws BudgetExhausted when they did not come within the wait
     */
    void takeForCall(String operation, int permits) {
        if (!limiter.acquirePermission(permits)) {
            metrics.budgetRefused(provider);
            throw new BudgetExhausted(exhausted(operation));
        }
    }

    private String exhausted(String operation) {
        return "provider '" + provider + "': " + operation + " waited over "
                + (wait.toSeconds() > 0 ? wait.toSeconds() + "s" : wait.toMillis() + "ms") + " for its call budget (providers." + provider + ".callsPerSecond=" + budget.callsPerSecond()
                + ", burst=" + budget.burst() + ")";
    }

    /**
     * A request or call refused by the budget: it never reached the cloud. Final (not retryable): the budget is full for
     * longer than any backoff would wait.
     */
    public static final class BudgetExhausted extends ProviderException {
        private static final long serialVersionUID = 1L;

        BudgetExhausted(String message) {
            super(Kind.THROTTLED, message, null, false, null);
        }

        /** Whether {@code error}, or what it wraps (a plugin or its SDK may wrap the gate's refusal), is a refusal. */
        static boolean in(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause()) {
                if (t instanceof BudgetExhausted) {
                    return true;
                }
            }
            return false;
        }
    }
}
