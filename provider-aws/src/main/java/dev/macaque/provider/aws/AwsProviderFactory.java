package dev.macaque.provider.aws;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.lang.System.Logger.Level;
import java.util.List;

/** Entry point of the {@code aws} plugin: EC2 Auto Scaling groups in one account and a list of regions. */
public final class AwsProviderFactory implements ProviderFactory {

    private final SdkOverrides overrides;

    public AwsProviderFactory() {
        this(SdkOverrides.NONE);
    }

    /** For tests: replaces base credentials and retry back-off; see {@link SdkOverrides}. */
    AwsProviderFactory(SdkOverrides overrides) {
        this.overrides = overrides;
    }

    @Override
    public String type() {
        return AwsProvider.TYPE;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "Amazon EC2 Auto Scaling groups in one AWS account, across a list of regions";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(
                ConfigKey.required(AwsSettings.REGIONS,
                        "AWS regions to cover, e.g. [us-east-1, eu-west-1]; groups in other regions are never seen"),
                ConfigKey.optional(AwsSettings.PROFILE,
                        "named profile from ~/.aws/config and ~/.aws/credentials; absent: the SDK's default credential"
                                + " chain (environment, system properties, web identity, profile, container, instance role)",
                        null),
                ConfigKey.optional(AwsSettings.ROLE_ARN,
                        "IAM role to assume with the base credentials (default chain or profile), e.g."
                                + " arn:aws:iam::123456789012:role/macaque", null),
                ConfigKey.secret(AwsSettings.EXTERNAL_ID, "external ID required by the role's trust policy; only with roleArn"),
                ConfigKey.optional(AwsSettings.SESSION_NAME, "role session name shown in CloudTrail; only with roleArn",
                        AwsSettings.DEFAULT_SESSION_NAME),
                ConfigKey.optional(AwsSettings.ENDPOINT,
                        "one endpoint URL for Auto Scaling, EC2 and STS instead of AWS's (LocalStack, moto), e.g."
                                + " http://127.0.0.1:5000", null),
                ConfigKey.optional(AwsSettings.MAX_ATTEMPTS,
                        "attempts per API call, first try included, for the SDK's standard retry strategy (1-10)",
                        String.valueOf(AwsSettings.DEFAULT_MAX_ATTEMPTS)),
                ConfigKey.optional(AwsSettings.API_TIMEOUT,
                        "upper bound of one API call including retries, e.g. 30s, 500ms, 2m or PT30S", "30s"));
    }

    @Override
    public CloudProvider create(ProviderContext context) {
        AwsSettings settings = AwsSettings.parse(context.instanceId(), context.config());
        AwsClients clients;
        try {
            clients = AwsClients.build(settings, overrides, context.callGate());
        } catch (RuntimeException e) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                    "provider '" + context.instanceId() + "': cannot set up the AWS SDK clients: " + e.getMessage(), e);
        }
        context.logger().log(Level.INFO, "{0}: AWS Auto Scaling in {1}, credentials from {2}{3}, at most {4} attempts per call",
                context.instanceId(), settings.regions(), credentialSource(settings),
                settings.endpointIfAny().map(e -> ", endpoint " + e).orElse(""), settings.maxAttempts());
        return new AwsProvider(context.instanceId(), settings, clients, context.logger());
    }

    /** Where credentials come from, for the log; names only, never key material or the external ID. */
    private String credentialSource(AwsSettings settings) {
        String base = overrides.baseCredentials() != null ? "credentials supplied by the test"
                : settings.profileIfAny().map(p -> "profile '" + p + "'").orElse("the default chain");
        return settings.roleArnIfAny().map(r -> base + ", assuming role " + r + " as session " + settings.sessionName())
                .orElse(base);
    }
}
