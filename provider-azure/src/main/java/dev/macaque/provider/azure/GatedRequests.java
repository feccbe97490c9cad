package dev.macaque.provider.azure;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestRetryCondition;
import com.azure.core.http.policy.RetryStrategy;
import dev.macaque.spi.ProviderException;
import java.time.Duration;
import dev.macaque.spi.CallGate;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Passes every HTTP request to Resource Manager through the instance's {@link CallGate} (SPI 1.4): the last policy of
 * the pipeline, after the retry policy and the bearer-token policy, so that each retry attempt, each page of a listing
 * ({@code nextLink}) and each poll of a long-running operation is admitted separately, right before it is sent. A
 * refusal ({@code ProviderException}) fails the request without sending it, and the retry policy does not retry it:
 * azure-core's retry strategies retry any exception by default, so the pipeline's strategy is wrapped by
 * {@link #refusalsNotRetried} (else one refusal would cost a wait in the gate per retry).
 */
final class GatedRequests implements HttpPipelinePolicy {
    private final CallGate gate;

    private GatedRequests(CallGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /** {@code pipeline} with the gate as its last policy, over the same HTTP client. */
    static HttpPipeline around(HttpPipeline pipeline, CallGate gate) {
        HttpPipelinePolicy[] policies = new HttpPipelinePolicy[pipeline.getPolicyCount() + 1];
        for (int i = 0; i < pipeline.getPolicyCount(); i++) {
            policies[i] = pipeline.getPolicy(i);
        }
        policies[policies.length - 1] = new GatedRequests(gate);
        return new HttpPipelineBuilder().httpClient(pipeline.getHttpClient()).policies(policies).build();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        gate.acquire(operation(context));
        return next.processSync();
    }

    /** The wait may block, so it runs off the caller's (possibly event-loop) thread. */
    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return Mono.fromRunnable(() -> gate.acquire(operation(context))).subscribeOn(Schedulers.boundedElastic())
                .then(Mono.defer(next::process));
    }

    /** e.g. {@code GET /subscriptions/…/virtualMachineScaleSets}: the request without its query. */
    private static String operation(HttpPipelineCallContext context) {
        return context.getHttpRequest().getHttpMethod() + " " + context.getHttpRequest().getUrl().getPath();
    }

    /** {@code strategy}, except that a request the gate refused (a {@link ProviderException} in the cause chain) is not retried. */
    static RetryStrategy refusalsNotRetried(RetryStrategy strategy) {
        return new RefusalsNotRetried(Objects.requireNonNull(strategy, "strategy"));
    }

    private static boolean refusedByTheGate(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ProviderException) {
                return true;
            }
        }
        return false;
    }

    private record RefusalsNotRetried(RetryStrategy strategy) implements RetryStrategy {
        @Override
        public int getMaxRetries() {
            return strategy.getMaxRetries();
        }

        @Override
        public Duration calculateRetryDelay(int retryAttempts) {
            return strategy.calculateRetryDelay(retryAttempts);
        }

        @Override
        public Duration calculateRetryDelay(RequestRetryCondition condition) {
            return strategy.calculateRetryDelay(condition);
        }

        @Override
        public boolean shouldRetry(HttpResponse response) {
            return strategy.shouldRetry(response);
        }

        @Override
        public boolean shouldRetryException(Throwable error) {
            return !refusedByTheGate(error) && strategy.shouldRetryException(error);
        }

        @Override
        public boolean shouldRetryCondition(RequestRetryCondition condition) {
            return (condition.getThrowable() == null || !refusedByTheGate(condition.getThrowable()))
                    && strategy.shouldRetryCondition(condition);
        }
    }
}
