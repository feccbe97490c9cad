package dev.macaque.provider.aws;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.contract.ContractFixture;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The contract fixture built in moto through the SDK: an opted-in group {@code api-N} (3 members, tagged
 * {@code macaque-enabled=true}, {@code team=payments}) in eu-west-1 and a group {@code db-N} (2 members,
 * {@code team=storage}, not opted in) in us-east-1, on one provider instance {@code aws-test} covering both regions.
 *
 * <p>Each test gets freshly named groups instead of a reset of moto: a reset costs seconds (moto rebuilds its
 * regional backends), new groups milliseconds, and groups of earlier tests do not disturb the contract's checks.
 */
final class MotoWorld {

    static final String PROVIDER_ID = "aws-test";
    static final String API_REGION = "eu-west-1";
    static final String DB_REGION = "us-east-1";
    static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAMACAQUETEST00000", "macaque-test-secret"));

    /** moto's built-in AMIs have fixed ids; looking one up once per region is enough. */
    private static final Map<String, String> AMI_BY_REGION = new ConcurrentHashMap<>();

    private static final AtomicInteger GENERATION = new AtomicInteger();

    private final MotoServer moto;
    private ContractFixture fixture;

    MotoWorld(MotoServer moto) {
        this.moto = moto;
    }

    /** Creates a new pair of fixture groups and makes them {@link #fixture()}. */
    void freshFixture() {
        int generation = GENERATION.incrementAndGet();
        GroupRef api = new GroupRef(PROVIDER_ID, API_REGION, "api-" + generation);
        GroupRef db = new GroupRef(PROVIDER_ID, DB_REGION, "db-" + generation);
        createGroup(API_REGION, api.name(), 3, Map.of("macaque-enabled", "true", "team", "payments"));
        createGroup(DB_REGION, db.name(), 2, Map.of("team", "storage"));
        fixture = new ContractFixture(api, db, "team", "payments", "i-0123456789abcdef0");
    }

    ContractFixture fixture() {
        return fixture;
    }

    GroupRef api() {
        return fixture.optedIn();
    }

    /** Provider configuration pointing at moto; {@code extra} entries are added or replace defaults. */
    Map<String, String> config(Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("regions", DB_REGION + "," + API_REGION);
        config.put("endpoint", moto.endpoint().toString());
        config.put("maxAttempts", "2");
        config.put("apiTimeout", "20s");
        config.putAll(extra);
        return config;
    }

    AwsProviderFactory factory() {
        return new AwsProviderFactory(new SdkOverrides(CREDENTIALS, BackoffStrategy.retryImmediately()));
    }

    void createGroup(String region, String name, int desired, Map<String, String> tags) {
        try (SdkHttpClient http = UrlConnectionHttpClient.create();
             Ec2Client ec2 = Ec2Client.builder().region(Region.of(region)).endpointOverride(endpoint())
                     .credentialsProvider(CREDENTIALS).httpClient(http).build();
             AutoScalingClient autoScaling = AutoScalingClient.builder().region(Region.of(region))
                     .endpointOverride(endpoint()).credentialsProvider(CREDENTIALS).httpClient(http).build()) {
            String ami = AMI_BY_REGION.computeIfAbsent(region, r -> ec2.describeImages(d -> d.owners("amazon"))
                    .images().get(0).imageId());
            String template = "macaque-" + name;
            ec2.createLaunchTemplate(t -> t.launchTemplateName(template)
                    .launchTemplateData(d -> d.imageId(ami).instanceType("t3.micro")));
            List<Tag> asgTags = tags.entrySet().stream()
                    .map(e -> Tag.builder().resourceId(name).resourceType("auto-scaling-group")
                            .key(e.getKey()).value(e.getValue()).propagateAtLaunch(false).build())
                    .toList();
            autoScaling.createAutoScalingGroup(g -> g.autoScalingGroupName(name)
                    .launchTemplate(l -> l.launchTemplateName(template))
                    .minSize(0).maxSize(desired + 2).desiredCapacity(desired)
                    .availabilityZones(region + "a")
                    .tags(asgTags));
        }
    }

    private URI endpoint() {
        return moto.endpoint();
    }
}
