package dev.macaque.provider.azure;

import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import dev.macaque.spi.CallGate;
import java.util.Objects;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Passes every HTTP request to Resource Manager through the instance's {@link CallGate} (SPI 1.4): the last policy of
 * the pipeline, after the retry policy and the bearer-token policy, so that each retry attempt, each page of a listing
 * ({@code nextLink}) and each poll of a long-running operation is admitted separately, right before it is sent. A
 * refusal ({@code ProviderException}) fails the request without sending it, and the retry policy does not retry it
 * (it is neither an HTTP status nor an I/O error).
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
}
