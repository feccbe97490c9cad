package dev.macaque.provider.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.management.AzureEnvironment;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.util.List;
import java.util.Objects;

/** Entry point of the {@code azure} provider: Azure virtual machine scale sets through Azure Resource Manager. */
public final class AzureProviderFactory implements ProviderFactory {

    @Override
    public String type() {
        return AzureCloudProvider.TYPE;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "Azure virtual machine scale sets (Uniform orchestration), tagged macaque-enabled=true";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return AzureProviderConfig.KEYS;
    }

    /** Validates the configuration and builds the clients; signs in lazily, on the first call to Azure. */
    @Override
    public CloudProvider create(ProviderContext context) {
        AzureProviderConfig config = AzureProviderConfig.parse(context.config());
        context.logger().log(System.Logger.Level.INFO, "azure provider {0}: {1}", context.instanceId(), config);
        return new AzureCloudProvider(context.instanceId(), config, ArmConnection.forConfig(config, context.callGate()), context.clock(),
                context.logger());
    }

    /**
     * Creates a provider whose requests go through {@code pipeline} to {@code environment}'s Resource Manager endpoint,
     * for tests against a local stub and for clouds or proxies the {@code environment} key does not cover. The pipeline
     * carries authentication (a {@code BearerTokenAuthenticationPolicy}, which only works over https) and retries;
     * {@link #pipeline} builds one with the configured retry policy. The context's call gate is added as its last
     * policy.
     */
    public static CloudProvider create(ProviderContext context, HttpPipeline pipeline, AzureEnvironment environment) {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(environment, "environment");
        AzureProviderConfig config = AzureProviderConfig.parse(context.config());
        return new AzureCloudProvider(context.instanceId(), config,
                new ArmConnection(pipeline, environment, config.pollInterval(), context.callGate()), context.clock(), context.logger());
    }

    /**
     * A pipeline over {@code httpClient} with the SDK's retry policy bounded by {@code maxRetries} and the given extra
     * policies (e.g. a {@code BearerTokenAuthenticationPolicy}).
     */
    public static HttpPipeline pipeline(HttpClient httpClient, int maxRetries, HttpPipelinePolicy... extraPolicies) {
        return ArmConnection.pipeline(httpClient, maxRetries, extraPolicies);
    }
}
