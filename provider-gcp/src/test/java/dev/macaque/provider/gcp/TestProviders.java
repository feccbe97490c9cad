package dev.macaque.provider.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import dev.macaque.spi.CallGate;
import java.time.Duration;
import java.util.Map;

/** Builds providers against a loopback endpoint, with fast polling. */
final class TestProviders {

    GcpCloudProvider create(String id, String endpoint, Map<String, String> config) {
        return create(id, endpoint, config, CallGate.OPEN);
    }

    GcpCloudProvider create(String id, String endpoint, Map<String, String> config, CallGate gate) {
        Map<String, String> withEndpoint = new java.util.HashMap<>(config);
        withEndpoint.put(GcpConfig.ENDPOINT, endpoint);
        withEndpoint.putIfAbsent(GcpConfig.OPERATION_TIMEOUT, "5s");
        withEndpoint.putIfAbsent(GcpConfig.REQUEST_TIMEOUT, "5s");
        GcpConfig parsed = GcpConfig.parse(withEndpoint);
        ComputeClients clients = ComputeClients.create(parsed.endpoint(), NoCredentialsProvider.create(),
                parsed.requestTimeout(), new ComputeClients.Polling(Duration.ofMillis(10), Duration.ofMillis(20),
                        parsed.operationTimeout()), gate);
        return new GcpCloudProvider(id, parsed, clients, System.getLogger("test.gcp." + id));
    }
}
