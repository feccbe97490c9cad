package dev.macaque.provider.gcp;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.auth.oauth2.GoogleCredentials;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderException.Kind;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Google Compute Engine managed instance groups, zonal and regional. */
public final class GcpProviderFactory implements ProviderFactory {
    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/compute");

    @Override
    public String type() {
        return GcpCloudProvider.TYPE;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "Google Compute Engine managed instance groups (zonal and regional), via the Compute REST API";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return GcpConfig.KEYS;
    }

    @Override
    public CloudProvider create(ProviderContext context) {
        GcpConfig config = GcpConfig.parse(context.config());
        CredentialsProvider credentials = FixedCredentialsProvider.create(credentials(config));
        ComputeClients clients = withPluginClassLoader(() -> ComputeClients.create(config.endpoint(), credentials,
                config.requestTimeout(), new ComputeClients.Polling(Duration.ofSeconds(1), Duration.ofSeconds(10),
                        config.operationTimeout()), context.callGate()));
        context.logger().log(Level.INFO, "gcp provider {0}: projects {1}, regions {2}, zones {3}, endpoint {4},"
                        + " credentials {5}, terminateAction {6}", context.instanceId(), config.projects(),
                config.regions(), config.zones(), config.endpoint().orElse("default"),
                config.credentialsFile().map(p -> "key file " + p).orElse("Application Default Credentials"),
                config.terminateAction().configValue());
        return new GcpCloudProvider(context.instanceId(), config, clients, context.logger());
    }

    private static GoogleCredentials credentials(GcpConfig config) {
        if (config.credentialsFile().isPresent()) {
            Path file = config.credentialsFile().get();
            try (InputStream in = Files.newInputStream(file)) {
                return GoogleCredentials.fromStream(in).createScoped(SCOPES);
            } catch (IOException | RuntimeException e) {
                // The parser's message may quote the file; say only what kind of failure it was.
                throw new ProviderException(Kind.INVALID_REQUEST, "gcp provider config key '"
                        + GcpConfig.CREDENTIALS_FILE + "': " + file + " is not a usable service-account JSON key ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
        try {
            return GoogleCredentials.getApplicationDefault().createScoped(SCOPES);
        } catch (IOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "no Application Default Credentials found (" + e.getMessage()
                    + "); set '" + GcpConfig.CREDENTIALS_FILE + "' or run 'gcloud auth application-default login'", e);
        }
    }

    /** gax and the auth library look some things up through the context class loader: make it ours. */
    private static <T> T withPluginClassLoader(java.util.function.Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(GcpProviderFactory.class.getClassLoader());
        try {
            return action.get();
        } catch (UncheckedIOException e) {
            throw new ProviderException(Kind.UNAVAILABLE, "cannot create the Compute clients: " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
