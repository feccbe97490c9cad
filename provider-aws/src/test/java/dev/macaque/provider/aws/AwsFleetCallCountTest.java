package dev.macaque.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.DescribedGroups;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.VmGroup;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.Tag;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * What discovering a whole 1,000-group fleet costs in API calls: the provider talks to moto through a recording
 * WireMock proxy on 127.0.0.1, which counts every request by its Query-protocol {@code Action}.
 */
class AwsFleetCallCountTest {
    private static final int GROUPS = 1_000;
    private static final String REGION = "eu-west-1";

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static WireMockServer proxy;

    @BeforeAll
    static void fleetOfAThousandGroups() throws Exception {
        try (SdkHttpClient http = UrlConnectionHttpClient.create();
             Ec2Client ec2 = Ec2Client.builder().region(Region.of(REGION)).endpointOverride(MOTO.endpoint())
                     .credentialsProvider(MotoWorld.CREDENTIALS).httpClient(http).build();
             AutoScalingClient autoScaling = AutoScalingClient.builder().region(Region.of(REGION))
                     .endpointOverride(MOTO.endpoint()).credentialsProvider(MotoWorld.CREDENTIALS).httpClient(http).build()) {
            String ami = ec2.describeImages(d -> d.owners("amazon")).images().get(0).imageId();
            ec2.createLaunchTemplate(t -> t.launchTemplateName("fleet")
                    .launchTemplateData(d -> d.imageId(ami).instanceType("t3.micro")));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> created = new ArrayList<>();
            for (int i = 0; i < GROUPS; i++) {
                String name = String.format("fleet-%04d", i);
                created.add(pool.submit(() -> autoScaling.createAutoScalingGroup(g -> g.autoScalingGroupName(name)
                        .launchTemplate(l -> l.launchTemplateName("fleet"))
                        .minSize(0).maxSize(2).desiredCapacity(1).availabilityZones(REGION + "a")
                        .tags(Tag.builder().resourceId(name).resourceType("auto-scaling-group")
                                .key("macaque-enabled").value("true").propagateAtLaunch(false).build()))));
            }
            for (Future<?> f : created) {
                f.get();
            }
            pool.shutdown();
        }
        proxy = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString())));
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.stop();
        }
    }

    @Test
    void discoveringAThousandGroupsCostsTwentyCallsWithTheBatchedReadInsteadOfTwoThousandTen() {
        Map<String, String> config = Map.of("regions", REGION, "endpoint", proxy.baseUrl(), "maxAttempts", "1",
                "apiTimeout", "60s");
        try (CloudProvider provider = new MotoWorld(MOTO).factory().create(new TestContext("aws-fleet", config))) {
            List<GroupRef> refs = provider.listGroups(GroupFilter.ALL).stream().map(GroupSummary::ref).toList();
            assertThat(refs).hasSize(GROUPS);
            assertThat(actions()).as("listing pages through 100 groups per call").containsOnlyKeys("DescribeAutoScalingGroups")
                    .containsEntry("DescribeAutoScalingGroups", 10);

            proxy.resetRequests();
            DescribedGroups batch = provider.describeGroups(refs);

            assertThat(batch.groups()).hasSize(GROUPS).allSatisfy(g -> assertThat(g.healthyInService()).hasSize(1));
            assertThat(batch.notFound()).isEmpty();
            assertThat(actions()).as("100 names per DescribeAutoScalingGroups, no per-group EC2 call")
                    .isEqualTo(Map.of("DescribeAutoScalingGroups", 10));

            // The one-by-one read the engine made before SPI 1.1, on the same fleet, for comparison.
            proxy.resetRequests();
            for (GroupRef ref : refs.subList(0, 10)) {
                VmGroup one = provider.describeGroup(ref);
                assertThat(one.instances()).hasSize(1);
            }
            assertThat(actions()).as("describeGroup: one Auto Scaling and one EC2 call per group")
                    .isEqualTo(Map.of("DescribeAutoScalingGroups", 10, "DescribeInstances", 10));
        }
    }

    private static Map<String, Integer> actions() {
        Map<String, Integer> counts = new TreeMap<>();
        for (LoggedRequest request : proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(anyUrl()))) {
            counts.merge(action(request.getBodyAsString()), 1, Integer::sum);
        }
        return counts;
    }

    private static String action(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("Action=")) {
                return URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
            }
        }
        return "?";
    }
}
