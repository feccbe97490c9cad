package dev.macaque.provider.gcp;

import com.google.api.gax.core.NoCredentialsProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds providers against a loopback endpoint, with fast polling and a recording, non-sleeping backoff. */
final class TestProviders {
    final List<Duration> sleeps = Collections.synchronizedList(new ArrayList<>());

    GcpCloudProvider create(String id, String endpoint, Map<String, String> config) {
        Map<String, String> withEndpoint = new java.util.HashMap<>(config);
        withEndpoint.put(GcpConfig.ENDPOINT, endpoint);
        withEndpoint.putIfAbsent(GcpConfig.OPERATION_TIMEOUT, "5s");
        withEndpoint.putIfAbsent(GcpConfig.REQUEST_TIMEOUT, "5s");
        GcpConfig parsed = GcpConfig.parse(withEndpoint);
        ComputeClients clients = ComputeClients.create(parsed.endpoint(), NoCredentialsProvider.create(),
                parsed.requestTimeout(), new ComputeClients.Polling(Duration.ofMillis(10), Duration.ofMillis(20),
                        parsed.operationTimeout()));
        ThrottleRetry retry = new ThrottleRetry(parsed.maxAttempts(), Duration.ofMillis(100), Duration.ofSeconds(2),
                new Random(42), sleeps::add);
        return new GcpCloudProvider(id, parsed, clients, retry, System.getLogger("test.gcp." + id));
    }
}
