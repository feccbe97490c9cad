package dev.macaque.auth;

import dev.macaque.config.MacaqueConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Request limits of {@code /api/v1} (resilience4j rate limiters, one per key): refused calls per client address, and
 * calls per token. The limiters are kept in bounded least-recently-used maps, so that many addresses or tokens cannot
 * grow the heap; an evicted key simply starts afresh.
 */
public final class RateLimits {
    /** How many sources and tokens keep a limiter of their own. */
    static final int MAX_KEYS = 10_000;
    static final Duration PERIOD = Duration.ofMinutes(1);

    /** The answer to a request for a permit. */
    public sealed interface Decision {
        record Allowed() implements Decision {
        }

        /** @param retryAfter when the next permit comes free */
        record Refused(int limit, Duration retryAfter) implements Decision {
        }
    }

    private static final Decision ALLOWED = new Decision.Allowed();

    private final int unauthenticatedPerSource;
    private final int requestsPerToken;
    private final Map<String, RateLimiter> failuresBySource = lru();
    private final Map<String, RateLimiter> callsByToken = lru();

    public RateLimits(MacaqueConfig.LimitsConfig limits) {
        Objects.requireNonNull(limits, "limits is null");
        this.unauthenticatedPerSource = limits.unauthenticatedPerSource();
        this.requestsPerToken = limits.requestsPerToken();
    }

    /** Whether {@code source} has used up its refused calls: checked before any token lookup. */
    public Decision sourceExhausted(String source) {
        RateLimiter limiter = limiter(failuresBySource, source, unauthenticatedPerSource);
        return limiter.getMetrics().getAvailablePermissions() > 0 ? ALLOWED : refused(limiter, unauthenticatedPerSource);
    }

    /** Counts one refused (unauthenticated or failed-authentication) call of {@code source}. */
    public Decision chargeRefusal(String source) {
        RateLimiter limiter = limiter(failuresBySource, source, unauthenticatedPerSource);
        return limiter.acquirePermission() ? ALLOWED : refused(limiter, unauthenticatedPerSource);
    }

    /** Counts one call of the token {@code tokenId}. */
    public Decision chargeToken(String tokenId) {
        RateLimiter limiter = limiter(callsByToken, tokenId, requestsPerToken);
        return limiter.acquirePermission() ? ALLOWED : refused(limiter, requestsPerToken);
    }

    private static Decision refused(RateLimiter limiter, int limit) {
        long nanos = limiter instanceof AtomicRateLimiter atomic ? atomic.getDetailedMetrics().getNanosToWait() : PERIOD.toNanos();
        Duration wait = Duration.ofNanos(Math.max(0, nanos));
        return new Decision.Refused(limit, wait.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : wait);
    }

    private static RateLimiter limiter(Map<String, RateLimiter> limiters, String key, int limit) {
        Function<String, RateLimiter> create = k -> RateLimiter.of("macaque-" + k, RateLimiterConfig.custom()
                .limitForPeriod(limit).limitRefreshPeriod(PERIOD).timeoutDuration(Duration.ZERO).build());
        synchronized (limiters) {
            return limiters.computeIfAbsent(key, create);
        }
    }

    private static Map<String, RateLimiter> lru() {
        return new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RateLimiter> eldest) {
                return size() > MAX_KEYS;
            }
        };
    }
}
