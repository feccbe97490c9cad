package dev.macaque.cloudcalls;

import dev.macaque.engine.RetryPolicy;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import dev.macaque.spi.VmGroup;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The one place where a provider instance's calls are governed, whoever makes them (runs, the inventory, previews,
 * schedules): the instance's {@link CallBudget} is spent through its {@link CallBudgetLimiter} (waiting at most
 * {@code budgetWait} for a permit) — per HTTP request, through the gate the plugin calls, when the provider
 * {@linkplain CloudProvider#gatesEachRequest() gates each request} (SPI 1.4; one SPI call may page or poll, and the
 * cloud counts requests), otherwise one permit per SPI call here; never both. A read that fails with a retryable error (throttling: 429, Compute's 403
 * {@code rateLimitExceeded}, ARM's 429; transient: 5xx, network) is retried with {@link RetryPolicy}'s exponential
 * backoff and jitter, never sooner than the cloud's {@code Retry-After}. Every attempt is counted in
 * {@link CloudCallMetrics}.
 *
 * <p>A failure that gives up here is passed on as not retryable, so that no layer above multiplies the attempts.
 * {@code terminate} is not retried here: the run retries it under the same {@link RetryPolicy}, recording each
 * attempt and able to abort during the wait; it still takes a permit.
 *
 * <p>How a cloud's answer is classified is the provider's job: the SPI's {@link ProviderException.Kind#THROTTLED}
 * with {@link ProviderException#retryAfter()}.
 */
public final class GovernedCloudProvider implements CloudProvider {
    /** How long a call waits for a permit of its budget before it fails as throttled. */
    public static final Duration BUDGET_WAIT = Duration.ofSeconds(30);

    private final CloudProvider delegate;
    private final CallBudget budget;
    private final RetryPolicy policy;
    private final CloudCallMetrics metrics;
    private final CallBudgetLimiter limiter;
    /** Whether this layer takes a permit per SPI call: only when the plugin does not gate each request itself. */
    private final boolean permitPerCall;
    private final Retry retry;

    /** Governs {@code delegate} with a budget of its own (tests; a server shares the limiter with the plugin's gate). */
    public GovernedCloudProvider(CloudProvider delegate, CallBudget budget, RetryPolicy policy, CloudCallMetrics metrics,
                                 Duration budgetWait) {
        this(delegate, new CallBudgetLimiter(delegate.id(), budget, budgetWait, metrics), policy, metrics);
    }

    /**
     * @param limiter the instance's limiter, whose {@link CallBudgetLimiter#gate()} the plugin was given when it was
     *                created
     */
    public GovernedCloudProvider(CloudProvider delegate, CallBudgetLimiter limiter, RetryPolicy policy,
                                 CloudCallMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate is null");
        this.limiter = Objects.requireNonNull(limiter, "limiter is null");
        this.budget = limiter.budget();
        this.policy = Objects.requireNonNull(policy, "policy is null");
        this.metrics = Objects.requireNonNull(metrics, "metrics is null");
        this.permitPerCall = !delegate.gatesEachRequest();
        IntervalBiFunction<Object> backoff = (failedAttempt, outcome) -> {
            Duration hint = outcome.isLeft() && outcome.getLeft() instanceof ProviderException e ? e.retryAfter().orElse(null) : null;
            return policy.backoff(failedAttempt, hint, new SplittableRandom()).toMillis();
        };
        this.retry = Retry.of("cloud-" + delegate.id(), RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalBiFunction(backoff)
                .retryOnException(this::worthRetrying)
                .build());
    }

    /** Governs {@code delegate} with the default {@link RetryPolicy} and {@link #BUDGET_WAIT}. */
    public static GovernedCloudProvider of(CloudProvider delegate, CallBudget budget, CloudCallMetrics metrics) {
        return new GovernedCloudProvider(delegate, budget, RetryPolicy.DEFAULT, metrics, BUDGET_WAIT);
    }

    /** Governs {@code delegate} with the default {@link RetryPolicy}, spending the budget of {@code limiter}. */
    public static GovernedCloudProvider of(CloudProvider delegate, CallBudgetLimiter limiter, CloudCallMetrics metrics) {
        return new GovernedCloudProvider(delegate, limiter, RetryPolicy.DEFAULT, metrics);
    }

    public CallBudget budget() {
        return budget;
    }

    /**
     * Retryable, and the cloud did not ask for a wait longer than the policy's longest backoff; never a refusal of the
     * budget, even one a plugin wrapped into another kind.
     */
    private boolean worthRetrying(Throwable error) {
        return error instanceof ProviderException e && e.retryable() && !CallBudgetLimiter.BudgetExhausted.in(e)
                && e.retryAfter().map(after -> after.compareTo(policy.maxBackoff()) <= 0).orElse(true);
    }

    private <T> T read(String operation, Supplier<T> call) {
        return read(operation, 1, call);
    }

    private <T> T read(String operation, int permits, Supplier<T> call) {
        int[] attempts = {0};
        Supplier<T> once = () -> {
            attempts[0]++;
            return once(operation, permits, call);
        };
        try {
            return Retry.decorateSupplier(retry, once).get();
        } catch (ProviderException e) {
            if (!e.retryable()) {
                throw e;
            }
            // Given up here: passed on as final, so that the caller does not retry it again.
            throw new ProviderException(e.kind(), e.getMessage() + " (gave up after " + dev.macaque.text.Counts.of(attempts[0], "attempt") + ")", e,
                    false, e.retryAfter().orElse(null));
        }
    }

    private <T> T once(String operation, Supplier<T> call) {
        return once(operation, 1, call);
    }

    private <T> T once(String operation, int permits, Supplier<T> call) {
        if (permitPerCall) {
            try {
                limiter.takeForCall(operation, permits);
            } catch (CallBudgetLimiter.BudgetExhausted e) {
                metrics.refused(delegate.id(), operation);
                throw e;
            }
        }
        try {
            T value = call.get();
            metrics.succeeded(delegate.id(), operation);
            return value;
        } catch (ProviderException e) {
            if (CallBudgetLimiter.BudgetExhausted.in(e)) {
                // the gate refused one of the call's requests (and counted it as throttled)
                metrics.refused(delegate.id(), operation);
            } else {
                metrics.failed(delegate.id(), operation, e);
            }
            throw e;
        }
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public List<GroupSummary> listGroups(GroupFilter filter) {
        return read("listGroups", () -> delegate.listGroups(filter));
    }

    @Override
    public VmGroup describeGroup(GroupRef group) {
        return read("describeGroup", () -> delegate.describeGroup(group));
    }

    @Override
    public DescribedGroups describeGroups(List<GroupRef> groups) {
        return read("describeGroups", () -> delegate.describeGroups(groups));
    }

    @Override
    public ListedGroups listAndDescribeGroups(GroupFilter filter, Predicate<GroupSummary> read) {
        return read("listAndDescribeGroups", () -> delegate.listAndDescribeGroups(filter, read));
    }

    @Override
    public boolean listingCarriesMembers() {
        return delegate.listingCarriesMembers();
    }

    @Override
    public boolean gatesEachRequest() {
        return delegate.gatesEachRequest();
    }

    /**
     * One member read per group on the clouds that implement it, so each group is its own call, with its own permit
     * and its own retries: a throttled read repeats that group's read only, never the reads of the groups read before
     * it in the same batch. A group whose read fails for good is reported unreachable (with why) and the reads already
     * paid for are kept; once the budget refuses a read, the groups left are not tried (each would wait out the budget
     * again) and are reported unreachable too. Only when no group could be read does the call fail, with the first
     * error.
     */
    @Override
    public DescribedGroups describeListedGroups(List<GroupSummary> listed) {
        List<VmGroup> groups = new ArrayList<>();
        Map<GroupRef, String> notFound = new LinkedHashMap<>();
        List<String> unreachable = new ArrayList<>();
        ProviderException first = null;
        String budgetRefused = null;
        for (GroupSummary summary : listed.stream().distinct().toList()) {
            if (budgetRefused != null) {
                unreachable.add(summary.ref() + ": not read: " + budgetRefused);
                continue;
            }
            try {
                DescribedGroups read = read("describeListedGroups", () -> delegate.describeListedGroups(List.of(summary)));
                groups.addAll(read.groups());
                notFound.putAll(read.notFound());
                unreachable.addAll(read.unreachable());
            } catch (ProviderException e) {
                first = first == null ? e : first;
                if (e.kind() == ProviderException.Kind.NOT_FOUND) {
                    notFound.put(summary.ref(), e.getMessage());
                    continue;
                }
                unreachable.add(summary.ref() + ": " + e.kind() + ": " + e.getMessage());
                if (CallBudgetLimiter.BudgetExhausted.in(e)) {
                    budgetRefused = "the call budget refused the read of " + summary.ref() + " before it";
                }
            }
        }
        if (first != null && groups.isEmpty() && notFound.isEmpty()) {
            throw first;
        }
        return new DescribedGroups(groups, notFound, unreachable);
    }

    @Override
    public GroupHealth health(GroupRef group) {
        return read("health", () -> delegate.health(group));
    }

    @Override
    public TerminationResult terminate(TerminationRequest request) {
        return once("terminate", () -> delegate.terminate(request));
    }

    /** One batch call, one permit per member (the cloud counts the members' operations). */
    @Override
    public List<dev.macaque.spi.MemberTermination> terminateMembers(GroupRef group, List<TerminationRequest> requests) {
        return once("terminateMembers", Math.max(1, Math.min(requests.size(), budget.burst())),
                () -> delegate.terminateMembers(group, requests));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
