package dev.macaque.provider.aws;

import dev.macaque.spi.CallGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The SDK clients of one provider instance: an Auto Scaling and an EC2 client per configured region, sharing one
 * HTTP client and one credentials provider.
 *
 * <p>Everything is built explicitly (HTTP client, credentials, retry strategy) instead of being discovered through
 * {@link java.util.ServiceLoader}: the plugin runs in its own class loader, where discovery through a foreign
 * context class loader can pick the wrong implementation or none.
 */
final class AwsClients implements AutoCloseable {

    /** The two clients for one region. */
    record RegionClients(String region, AutoScalingClient autoScaling, Ec2Client ec2) {
    }

    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The longest the server's call gate holds a request before refusing it (the server's
     * {@code GovernedCloudProvider.BUDGET_WAIT}). The gate is passed inside the SDK's timed part of a call, so
     * the SDK's call timeout is {@code apiTimeout} plus this per attempt: a request admitted late is not timed out
     * for the wait.
     */
    static final Duration CALL_GATE_WAIT = Duration.ofSeconds(30);

    private final SdkHttpClient http;
    private final List<AutoCloseable> owned;
    private final Map<String, RegionClients> byRegion;

    private AwsClients(SdkHttpClient http, List<AutoCloseable> owned, Map<String, RegionClients> byRegion) {
        this.http = http;
        this.owned = owned;
        this.byRegion = byRegion;
    }

    /** @param gate every HTTP request of every client, each attempt and each page, passes it first */
    static AwsClients build(AwsSettings settings, SdkOverrides overrides, CallGate gate) {
        return withPluginClassLoader(() -> buildInPluginLoader(settings, overrides, new GatedRequests(gate)));
    }

    private static AwsClients buildInPluginLoader(AwsSettings settings, SdkOverrides overrides, GatedRequests gated) {
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(min(settings.apiTimeout(), MAX_CONNECT_TIMEOUT))
                .socketTimeout(settings.apiTimeout())
                .build();
        List<AutoCloseable> owned = new ArrayList<>();
        AwsCredentialsProvider base = baseCredentials(settings, overrides);
        if (overrides.baseCredentials() == null && base instanceof SdkAutoCloseable closeable) {
            owned.add(closeable);
        }
        AwsCredentialsProvider credentials = base;
        if (settings.roleArnIfAny().isPresent()) {
            StsClient sts = configure(StsClient.builder(), settings, overrides, gated, http, base, settings.regions().get(0)).build();
            StsAssumeRoleCredentialsProvider assumed = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(sts)
                    .refreshRequest(r -> r.roleArn(settings.roleArn())
                            .roleSessionName(settings.sessionName())
                            .externalId(settings.externalId()))
                    .build();
            owned.add(assumed);
            owned.add(sts);
            credentials = assumed;
        }
        Map<String, RegionClients> byRegion = new TreeMap<>();
        for (String region : settings.regions()) {
            AutoScalingClient autoScaling = configure(AutoScalingClient.builder(), settings, overrides, gated, http, credentials, region).build();
            Ec2Client ec2 = configure(Ec2Client.builder(), settings, overrides, gated, http, credentials, region).build();
            owned.add(autoScaling);
            owned.add(ec2);
            byRegion.put(region, new RegionClients(region, autoScaling, ec2));
        }
        return new AwsClients(http, owned, Collections.unmodifiableMap(byRegion));
    }

    private static AwsCredentialsProvider baseCredentials(AwsSettings settings, SdkOverrides overrides) {
        if (overrides.baseCredentials() != null) {
            return overrides.baseCredentials();
        }
        return settings.profileIfAny()
                .<AwsCredentialsProvider>map(p -> ProfileCredentialsProvider.builder().profileName(p).build())
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    private static <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, AwsSettings settings, SdkOverrides overrides, GatedRequests gated, SdkHttpClient http,
            AwsCredentialsProvider credentials, String region) {
        builder.region(Region.of(region))
                .credentialsProvider(credentials)
                .httpClient(http)
                .overrideConfiguration(overrideConfiguration(settings, overrides, gated));
        settings.endpointIfAny().ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * The SDK's standard retry strategy (it knows AWS's throttling codes), bounded by {@code maxAttempts}, the gate
     * every attempt passes, and the call timeout with the gate's wait added.
     */
    private static ClientOverrideConfiguration overrideConfiguration(AwsSettings settings, SdkOverrides overrides,
                                                                     GatedRequests gated) {
        StandardRetryStrategy.Builder retries = AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(settings.maxAttempts());
        if (overrides.backoff() != null) {
            retries.backoffStrategy(overrides.backoff()).throttlingBackoffStrategy(overrides.backoff());
        }
        return ClientOverrideConfiguration.builder()
                .retryStrategy(retries.build())
                .apiCallTimeout(sdkCallTimeout(settings))
                .addExecutionInterceptor(gated)
                .build();
    }

    /** {@code apiTimeout} for the call at AWS, plus the longest wait in the call gate for each attempt. */
    static Duration sdkCallTimeout(AwsSettings settings) {
        return settings.apiTimeout().plus(CALL_GATE_WAIT.multipliedBy(settings.maxAttempts()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Runs {@code action} with this plugin's class loader as the thread's context class loader. */
    static <T> T withPluginClassLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(AwsClients.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The clients for {@code region}, or {@code null} when the region is not configured. */
    RegionClients region(String region) {
        return byRegion.get(region);
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            try {
                owned.get(i).close();
            } catch (Exception e) {
                // closing is best effort; a client that fails to close holds no remote state
            }
        }
        http.close();
    }
}
