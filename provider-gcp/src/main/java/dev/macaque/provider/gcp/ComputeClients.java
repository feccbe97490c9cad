package dev.macaque.provider.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedExecutorProvider;
import com.google.api.gax.longrunning.OperationTimedPollAlgorithm;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.gax.rpc.ClientSettings;
import com.google.api.gax.rpc.OperationCallSettings;
import com.google.cloud.compute.v1.InstanceGroupManagersClient;
import dev.macaque.spi.CallGate;
import com.google.cloud.compute.v1.InstanceGroupManagersSettings;
import com.google.cloud.compute.v1.InstanceTemplatesClient;
import com.google.cloud.compute.v1.InstanceTemplatesSettings;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersClient;
import com.google.cloud.compute.v1.RegionInstanceGroupManagersSettings;
import com.google.cloud.compute.v1.RegionInstanceTemplatesClient;
import com.google.cloud.compute.v1.RegionInstanceTemplatesSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Compute REST clients one provider instance uses, built explicitly (no ServiceLoader look-ups) on the HttpJson
 * transport, sharing one credentials object, one small scheduler for Operation polls, and one bounded pool that
 * sends the HTTP requests of all clients (instead of a gax default pool per client). The gate is passed on the thread
 * that starts a call, for a poll a scheduler thread: requests must not be sent on the scheduler, or two polls waiting
 * in the gate would hold up every request of the instance.
 *
 * <p>The client's own retries are switched off for plain calls (it would retry a 503 GET for ten minutes): the
 * provider translates, and the engine's retry is the only retry layer (throttling included). Operation polling is bounded by the
 * operation timeout.
 */
final class ComputeClients implements AutoCloseable {

    /** HTTP requests of one provider instance in flight at once; more wait in line. */
    static final int REQUEST_THREADS = 8;

    /** How the clients poll a long-running Operation. */
    record Polling(Duration initialDelay, Duration maxDelay, Duration timeout) {
    }

    final InstanceGroupManagersClient zonalGroups;
    final RegionInstanceGroupManagersClient regionalGroups;
    final InstancesClient instances;
    final InstanceTemplatesClient templates;
    final RegionInstanceTemplatesClient regionalTemplates;
    private final ScheduledExecutorService executor;
    /** Runs the HTTP requests of every client; apart from {@link #executor} so that polls held by the gate do not stall them. */
    private final ExecutorService requests;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private final CallGate gate;

    private ComputeClients(Optional<String> endpoint, CredentialsProvider credentials, Duration requestTimeout,
            Polling polling, CallGate gate) throws IOException {
        this.gate = gate;
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "macaque-gcp-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        AtomicInteger requestThreads = new AtomicInteger();
        requests = Executors.newFixedThreadPool(REQUEST_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "macaque-gcp-http-" + requestThreads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            RetrySettings pollSettings = RetrySettings.newBuilder()
                    .setInitialRetryDelayDuration(polling.initialDelay())
                    .setRetryDelayMultiplier(1.5)
                    .setMaxRetryDelayDuration(polling.maxDelay())
                    .setInitialRpcTimeoutDuration(requestTimeout)
                    .setRpcTimeoutMultiplier(1.0)
                    .setMaxRpcTimeoutDuration(requestTimeout)
                    .setTotalTimeoutDuration(polling.timeout())
                    .build();

            InstanceGroupManagersSettings.Builder zonal = InstanceGroupManagersSettings.newBuilder();
            common(zonal, endpoint, credentials);
            zonal.applyToAllUnaryMethods(b -> noClientRetries(b, requestTimeout));
            poll(zonal.recreateInstancesOperationSettings(), pollSettings);
            poll(zonal.deleteInstancesOperationSettings(), pollSettings);
            zonalGroups = track(InstanceGroupManagersClient.create(zonal.build()));

            RegionInstanceGroupManagersSettings.Builder regional = RegionInstanceGroupManagersSettings.newBuilder();
            common(regional, endpoint, credentials);
            regional.applyToAllUnaryMethods(b -> noClientRetries(b, requestTimeout));
            poll(regional.recreateInstancesOperationSettings(), pollSettings);
            poll(regional.deleteInstancesOperationSettings(), pollSettings);
            regionalGroups = track(RegionInstanceGroupManagersClient.create(regional.build()));

            InstancesSettings.Builder vms = InstancesSettings.newBuilder();
            common(vms, endpoint, credentials);
            vms.applyToAllUnaryMethods(b -> noClientRetries(b, requestTimeout));
            poll(vms.deleteOperationSettings(), pollSettings);
            instances = track(InstancesClient.create(vms.build()));

            InstanceTemplatesSettings.Builder globalTemplates = InstanceTemplatesSettings.newBuilder();
            common(globalTemplates, endpoint, credentials);
            globalTemplates.applyToAllUnaryMethods(b -> noClientRetries(b, requestTimeout));
            templates = track(InstanceTemplatesClient.create(globalTemplates.build()));

            RegionInstanceTemplatesSettings.Builder regionTemplates = RegionInstanceTemplatesSettings.newBuilder();
            common(regionTemplates, endpoint, credentials);
            regionTemplates.applyToAllUnaryMethods(b -> noClientRetries(b, requestTimeout));
            regionalTemplates = track(RegionInstanceTemplatesClient.create(regionTemplates.build()));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** @param gate every HTTP request of every client, each page and each Operation poll, passes it first (SPI 1.4) */
    static ComputeClients create(Optional<String> endpoint, CredentialsProvider credentials, Duration requestTimeout,
            Polling polling, CallGate gate) {
        try {
            return new ComputeClients(endpoint, credentials, requestTimeout, polling, gate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Compute clients", e);
        }
    }

    private void common(ClientSettings.Builder<?, ?> builder, Optional<String> endpoint,
            CredentialsProvider credentials) {
        builder.setTransportChannelProvider(GatedRequests.transport(gate, requests));
        endpoint.ifPresent(builder::setEndpoint);
        builder.setCredentialsProvider(credentials);
        builder.setBackgroundExecutorProvider(FixedExecutorProvider.create(executor));
    }

    private static Void noClientRetries(com.google.api.gax.rpc.UnaryCallSettings.Builder<?, ?> builder,
            Duration requestTimeout) {
        builder.setSimpleTimeoutNoRetriesDuration(requestTimeout);
        return null;
    }

    private static void poll(OperationCallSettings.Builder<?, ?, ?> settings, RetrySettings pollSettings) {
        settings.setPollingAlgorithm(OperationTimedPollAlgorithm.create(pollSettings));
    }

    private <T extends AutoCloseable> T track(T client) {
        closeables.add(client);
        return client;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing is best effort; the executor below is what holds threads
            }
        }
        executor.shutdownNow();
        requests.shutdownNow();
    }
}
