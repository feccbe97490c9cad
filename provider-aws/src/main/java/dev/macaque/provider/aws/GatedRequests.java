package dev.macaque.provider.aws;

import dev.macaque.spi.CallGate;
import java.util.Objects;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Passes every HTTP request of the SDK clients through the instance's {@link CallGate} (SPI 1.4).
 * {@code beforeTransmission} runs inside the SDK's retry loop, once per attempt and right before the request is sent
 * (after signing; a wait within the gate's bound stays far inside SigV4's five-minute validity), so each page of a
 * paginated listing and each retry attempt is admitted separately. A refusal ({@code ProviderException}, not an SDK
 * exception) leaves the SDK without a retry and reaches {@link AwsProvider} unchanged.
 */
final class GatedRequests implements ExecutionInterceptor {
    private final CallGate gate;

    GatedRequests(CallGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        gate.acquire((service == null ? "" : service + " ") + (operation == null ? "request" : operation));
    }
}
