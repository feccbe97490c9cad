package dev.macaque.cloudcalls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.macaque.engine.RetryPolicy;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.TerminationRequest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GovernedCloudProviderTest {
    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(5), Duration.ofMillis(500));
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CloudCallMetrics metrics = new CloudCallMetrics(registry);
    private final ScriptedProvider cloud = new ScriptedProvider();

    private GovernedCloudProvider governed(CallBudget budget, Duration wait) {
        return new GovernedCloudProvider(cloud, budget, FAST, metrics, wait);
    }

    private static ProviderException throttled(Duration retryAfter) {
        return new ProviderException(Kind.THROTTLED, "HTTP 429 RESOURCE_EXHAUSTED", null, true, retryAfter);
    }

    @Test
    void oneThrottledReadIsRetriedAndItsCallerNeverSeesIt() {
        cloud.failNext(throttled(null));

        assertThat(governed(new CallBudget(1000, 1000), Duration.ofSeconds(1)).listGroups(GroupFilter.ALL)).hasSize(1);

        assertThat(cloud.arrivals).hasSize(2);
        assertThat(metrics.count("scripted", "listGroups", "throttled")).isEqualTo(1);
        assertThat(metrics.count("scripted", "listGroups", "ok")).isEqualTo(1);
        assertThat(metrics.throttled("scripted")).isEqualTo(1);
        assertThat(registry.scrape())
                .contains("macaque_cloud_calls_total{operation=\"listGroups\",outcome=\"throttled\",provider=\"scripted\"} 1.0")
                .contains("macaque_cloud_throttled_total{provider=\"scripted\"} 1.0");
    }

    /** Issue 27: within one refresh a group's members are read once; a throttled read must not repeat the others. */
    @Test
    void aThrottledMemberReadRepeatsThatGroupsReadOnlyNotTheGroupsReadBeforeIt() {
        cloud.failNextReadOf("g3", throttled(null));
        List<GroupSummary> listed = java.util.stream.IntStream.rangeClosed(1, 5)
                .mapToObj(i -> new GroupSummary(new GroupRef("scripted", "r1", "g" + i), 2, Map.of())).toList();

        DescribedGroups read = governed(new CallBudget(1000, 10), Duration.ofSeconds(1)).describeListedGroups(listed);

        assertThat(read.groups()).extracting(g -> g.ref().name()).containsExactly("g1", "g2", "g3", "g4", "g5");
        assertThat(cloud.reads).containsExactly("g1", "g2", "g3", "g3", "g4", "g5");
        assertThat(metrics.throttled("scripted")).isEqualTo(1);
    }

    @Test
    void aGroupWhoseReadFailsForGoodIsReportedUnreachableAndTheReadsAlreadyPaidForAreKept() {
        cloud.failNextReadOf("g2", new ProviderException(Kind.PERMISSION_DENIED, "no read on resource group rg-2"));
        List<GroupSummary> listed = java.util.stream.IntStream.rangeClosed(1, 4)
                .mapToObj(i -> new GroupSummary(new GroupRef("scripted", "r1", "g" + i), 2, Map.of())).toList();

        DescribedGroups read = governed(new CallBudget(1000, 10), Duration.ofSeconds(1)).describeListedGroups(listed);

        assertThat(read.groups()).extracting(g -> g.ref().name()).containsExactly("g1", "g3", "g4");
        assertThat(read.notFound()).isEmpty();
        assertThat(read.unreachable()).singleElement().asString().contains("scripted/r1/g2").contains("PERMISSION_DENIED")
                .contains("no read on resource group rg-2");
        assertThat(cloud.reads).containsExactly("g1", "g2", "g3", "g4");
    }

    @Test
    void whenNoGroupCanBeReadTheCallFailsWithTheFirstError() {
        cloud.failNextReadOf("g1", new ProviderException(Kind.PERMISSION_DENIED, "no read on g1"));
        cloud.failNextReadOf("g2", new ProviderException(Kind.PERMISSION_DENIED, "no read on g2"));
        List<GroupSummary> listed = List.of(new GroupSummary(new GroupRef("scripted", "r1", "g1"), 2, Map.of()),
                new GroupSummary(new GroupRef("scripted", "r1", "g2"), 2, Map.of()));

        assertThatThrownBy(() -> governed(new CallBudget(1000, 10), Duration.ofSeconds(1)).describeListedGroups(listed))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.getMessage()).contains("no read on g1"));
    }

    @Test
    void theRetryWaitsAtLeastWhatTheCloudsRetryAfterAsked() {
        cloud.failNext(throttled(Duration.ofMillis(300)));
        GovernedCloudProvider provider = governed(new CallBudget(1000, 1000), Duration.ofSeconds(1));

        provider.health(new GroupRef("scripted", "r1", "web"));

        List<Long> at = new ArrayList<>(cloud.arrivals);
        assertThat(TimeUnit.NANOSECONDS.toMillis(at.get(1) - at.get(0))).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aReadThatStaysThrottledGivesUpAfterThePolicysAttemptsAndIsPassedOnAsFinal() {
        for (int i = 0; i < 5; i++) {
            cloud.failNext(throttled(null));
        }

        assertThatThrownBy(() -> governed(new CallBudget(1000, 1000), Duration.ofSeconds(1)).listGroups(GroupFilter.ALL))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
                    assertThat(e.retryable()).as("no layer above retries it again").isFalse();
                    assertThat(e.getMessage()).contains("gave up after 4 attempts");
                });
        assertThat(cloud.arrivals).hasSize(4);
    }

    @Test
    void aWaitLongerThanThePolicysLongestBackoffIsNotWaitedFor() {
        cloud.failNext(throttled(Duration.ofMinutes(5)));

        assertThatThrownBy(() -> governed(new CallBudget(1000, 1000), Duration.ofSeconds(1)).listGroups(GroupFilter.ALL))
                .isInstanceOf(ProviderException.class);
        assertThat(cloud.arrivals).hasSize(1);
    }

    @Test
    void notFoundAndPermissionErrorsAreNotRetried() {
        cloud.failNext(new ProviderException(Kind.NOT_FOUND, "no such group"));

        assertThatThrownBy(() -> governed(new CallBudget(1000, 1000), Duration.ofSeconds(1))
                .describeGroup(new GroupRef("scripted", "r1", "gone")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
        assertThat(cloud.arrivals).hasSize(1);
        assertThat(metrics.count("scripted", "describeGroup", "not_found")).isEqualTo(1);
    }

    @Test
    void terminateIsLeftToTheRunsRetriesButTakesAPermit() {
        cloud.failNext(throttled(null));
        GovernedCloudProvider provider = governed(new CallBudget(1000, 1000), Duration.ofSeconds(1));

        assertThatThrownBy(() -> provider.terminate(new TerminationRequest(new GroupRef("scripted", "r1", "web"), "i-1",
                false, "test", "key-1")))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(cloud.arrivals).hasSize(1);
        assertThat(metrics.count("scripted", "terminate", "throttled")).isEqualTo(1);
    }

    @Test
    void aCallThatCannotGetAPermitInTimeFailsAsThrottledWithoutReachingTheCloud() {
        GovernedCloudProvider provider = governed(new CallBudget(0.5, 1), Duration.ofMillis(50));
        provider.listGroups(GroupFilter.ALL);

        assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
                    assertThat(e.getMessage()).contains("call budget");
                });
        assertThat(cloud.arrivals).hasSize(1);
        assertThat(metrics.count("scripted", "listGroups", CloudCallMetrics.BUDGET_EXHAUSTED)).isEqualTo(1);
    }

    /** Calls per second measured where they arrive, under 8 threads calling as fast as they can. */
    @Test
    void theBudgetHoldsUnderABurstOfConcurrentCallers() throws Exception {
        CallBudget budget = new CallBudget(20, 5);
        GovernedCloudProvider provider = governed(budget, Duration.ofSeconds(10));
        long start = System.nanoTime();
        callFlatOut(() -> provider.health(new GroupRef("scripted", "r1", "web")));

        List<Long> at = cloud.arrivals.stream().sorted().toList();
        int worstSecond = worstSecond(at);
        double seconds = (at.get(at.size() - 1) - start) / 1e9;
        System.out.printf("CLOUD-BUDGET callsPerSecond=%s burst=%d calls=%d over=%.2fs worstSecond=%d bound=%d%n",
                budget.callsPerSecond(), budget.burst(), at.size(), seconds, worstSecond,
                (int) budget.callsPerSecond() + 2 * budget.burst());
        assertThat(worstSecond).isLessThanOrEqualTo((int) budget.callsPerSecond() + 2 * budget.burst());
        assertThat(at.size()).as("8 unbounded callers for 2.5 s, held to 20/s plus one burst")
                .isLessThanOrEqualTo((int) Math.ceil(seconds * budget.callsPerSecond()) + 2 * budget.burst())
                .isGreaterThan(20);
    }

    @Test
    void budgetKeysAreCheckedWithTheKeyNamed() {
        assertThat(CallBudget.parse("gcp", java.util.Map.of("callsPerSecond", "fast", "burst", 0)).problems()).containsExactly(
                "callsPerSecond: must be a number of calls per second (e.g. 10 or 0.5), was 'fast'",
                "burst: must be a whole number from 1 to 100000, was '0'");
        assertThat(CallBudget.parse("gcp", java.util.Map.of()).budget()).isEqualTo(CallBudget.DEFAULTS.get("gcp"));
        assertThat(CallBudget.parse("acme", java.util.Map.of("callsPerSecond", 2.5)).budget()).isEqualTo(new CallBudget(2.5, 50));
    }

    @Test
    void aProviderThatGatesEachRequestSpendsTheBudgetPerRequestAndTakesNoPermitPerCall() {
        // 3 permits in all for 300 s: a call of 3 requests fits only if the call itself takes none
        CallBudgetLimiter limiter = new CallBudgetLimiter("scripted", new CallBudget(0.01, 3), Duration.ofMillis(50), metrics);
        GovernedCloudProvider provider = new GovernedCloudProvider(cloud.gating(limiter.gate(), 3), limiter, FAST, metrics);

        assertThat(provider.listGroups(GroupFilter.ALL)).hasSize(1);

        assertThat(cloud.arrivals).hasSize(3);
        assertThat(metrics.requests("scripted")).isEqualTo(3);
        assertThat(metrics.count("scripted", "listGroups", "ok")).isEqualTo(1);
        assertThat(registry.scrape()).contains("macaque_cloud_requests_total{provider=\"scripted\"} 3.0");
    }

    @Test
    void aRequestTheGateRefusesFailsTheCallAsBudgetExhaustedOnceWithoutRetryOrReachingTheCloud() {
        CallBudgetLimiter limiter = new CallBudgetLimiter("scripted", new CallBudget(0.01, 2), Duration.ofMillis(50), metrics);
        GovernedCloudProvider provider = new GovernedCloudProvider(cloud.gating(limiter.gate(), 3), limiter, FAST, metrics);

        assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("page 3 (one HTTP request) waited over 50ms for its call budget");
                });

        assertThat(cloud.arrivals).as("the third page never went out, and the call was not retried").hasSize(2);
        assertThat(metrics.requests("scripted")).isEqualTo(2);
        assertThat(metrics.count("scripted", "listGroups", CloudCallMetrics.BUDGET_EXHAUSTED)).isEqualTo(1);
        assertThat(metrics.count("scripted", "listGroups", "throttled")).as("not counted as the cloud's throttling").isZero();
        assertThat(metrics.throttled("scripted")).as("the refused request").isEqualTo(1);
    }

    @Test
    void aProviderThatDoesNotGateStillTakesAPermitPerCallFromTheSameBudgetAsTheGate() {
        CallBudgetLimiter limiter = new CallBudgetLimiter("scripted", new CallBudget(0.01, 3), Duration.ofMillis(50), metrics);
        GovernedCloudProvider provider = new GovernedCloudProvider(cloud, limiter, FAST, metrics);
        limiter.gate().acquire("a request elsewhere");

        provider.listGroups(GroupFilter.ALL);
        provider.listGroups(GroupFilter.ALL);
        assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.getMessage()).contains("call budget"));

        assertThat(cloud.arrivals).hasSize(2);
        assertThat(metrics.count("scripted", "listGroups", CloudCallMetrics.BUDGET_EXHAUSTED)).isEqualTo(1);
        assertThat(metrics.throttled("scripted")).isEqualTo(1);
    }

    /**
     * Requests per second measured where they arrive: 8 threads calling as fast as they can through a provider whose
     * every call sends 4 requests (a listing's pages). Counted per call, the cloud would see 4 times the budget.
     */
    @Test
    void theBudgetHoldsPerRequestUnderABurstOfConcurrentCallsThatEachPage() throws Exception {
        CallBudget budget = new CallBudget(20, 5);
        CallBudgetLimiter limiter = new CallBudgetLimiter("scripted", budget, Duration.ofSeconds(10), metrics);
        GovernedCloudProvider provider = new GovernedCloudProvider(cloud.gating(limiter.gate(), 4), limiter, FAST, metrics);
        long start = System.nanoTime();
        callFlatOut(() -> provider.listGroups(GroupFilter.ALL));

        List<Long> at = cloud.arrivals.stream().sorted().toList();
        int worstSecond = worstSecond(at);
        double seconds = (at.get(at.size() - 1) - start) / 1e9;
        System.out.printf("CLOUD-BUDGET per request: callsPerSecond=%s burst=%d requests=%d over=%.2fs worstSecond=%d bound=%d%n",
                budget.callsPerSecond(), budget.burst(), at.size(), seconds, worstSecond,
                (int) budget.callsPerSecond() + 2 * budget.burst());
        assertThat(worstSecond).isLessThanOrEqualTo((int) budget.callsPerSecond() + 2 * budget.burst());
        assertThat(at.size()).isLessThanOrEqualTo((int) Math.ceil(seconds * budget.callsPerSecond()) + 2 * budget.burst())
                .isGreaterThan(20);
        assertThat(metrics.requests("scripted")).isEqualTo(at.size());
    }

    /** 8 threads making {@code call} as fast as they can for 2.5 s. */
    private static void callFlatOut(Runnable call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<Future<?>> callers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            callers.add(pool.submit(() -> {
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2_500)) {
                    call.run();
                }
                return null;
            }));
        }
        for (Future<?> caller : callers) {
            caller.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    private static int worstSecond(List<Long> sortedArrivals) {
        int worst = 0;
        for (int i = 0; i < sortedArrivals.size(); i++) {
            int j = i;
            while (j < sortedArrivals.size() && sortedArrivals.get(j) - sortedArrivals.get(i) < TimeUnit.SECONDS.toNanos(1)) {
                j++;
            }
            worst = Math.max(worst, j - i);
        }
        return worst;
    }
}
