package dev.macaque.provider.gcp;

import com.google.api.gax.httpjson.ApiMethodDescriptor;
import com.google.api.gax.httpjson.HttpJsonCallOptions;
import com.google.api.gax.httpjson.HttpJsonChannel;
import com.google.api.gax.httpjson.HttpJsonClientCall;
import com.google.api.gax.httpjson.HttpJsonClientInterceptor;
import com.google.api.gax.httpjson.InstantiatingHttpJsonChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import dev.macaque.spi.CallGate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Passes every HTTP request of the Compute clients through the instance's {@link CallGate} (SPI 1.4). On the HttpJson
 * transport each call is one HTTP request — each page of a listing, each poll of a long-running Operation, each
 * retry attempt of gax — and gax creates it through the channel's interceptors right before sending it, so the gate
 * is passed once per request. A refusal ({@code ProviderException}) fails that call without sending it and reaches
 * the provider unchanged.
 */
final class GatedRequests implements HttpJsonClientInterceptor {
    private final CallGate gate;

    private GatedRequests(CallGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /**
     * The HttpJson transport every Compute client of the instance uses, with the gate in front of each request, sending
     * requests on {@code requests} (not the clients' background executor, on which polls wait in the gate).
     */
    static TransportChannelProvider transport(CallGate gate, Executor requests) {
        GatedRequests gated = new GatedRequests(gate);
        return InstantiatingHttpJsonChannelProvider.newBuilder().setInterceptorProvider(() -> List.of(gated))
                .setExecutor(requests).build();
    }

    @Override
    public <ReqT, RespT> HttpJsonClientCall<ReqT, RespT> interceptCall(ApiMethodDescriptor<ReqT, RespT> method,
            HttpJsonCallOptions callOptions, HttpJsonChannel next) {
        gate.acquire(method.getFullMethodName());
        return next.newCall(method, callOptions);
    }
}
