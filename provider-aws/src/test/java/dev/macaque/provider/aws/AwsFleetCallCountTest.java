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
import dev.macaque.spi.GroupHealth;
import dev.macaque.spi.Instance;
import dev.macaque.spi.ListedGroups;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
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

    /**
     * A whole-fleet run, call by call as the engine makes them (ExperimentRunTest pins which SPI calls a run makes):
     * one {@code listAndDescribeGroups} for discovery, then for each victim a fresh read of its group, the
     * termination, and health polls until the group is whole again. The bound of issue 21: discovery costs the
     * listing's pages and nothing more, everything else is per victim.
     */
    @Test
    void aWholeFleetRunCostsTheListingPagesPlusTheCallsForItsVictimsAndTheirRecoveryPolls() {
        Map<String, String> config = Map.of("regions", REGION, "endpoint", proxy.baseUrl(), "maxAttempts", "1",
                "apiTimeout", "60s");
        try (CloudProvider provider = new MotoWorld(MOTO).factory().create(new TestContext("aws-run", config))) {
            proxy.resetRequests();
            ListedGroups discovery = provider.listAndDescribeGroups(GroupFilter.ALL, GroupSummary::optedIn);

            assertThat(discovery.listed()).hasSize(GROUPS);
            assertThat(discovery.described().groups()).hasSize(GROUPS)
                    .allSatisfy(g -> assertThat(g.healthyInService()).hasSize(1));
            Map<String, Integer> discoveryCalls = actions();
            int listingPages = (GROUPS + 99) / 100;
            assertThat(discoveryCalls).as("discovery: the listing's pages, each with the groups' members")
                    .isEqualTo(Map.of("DescribeAutoScalingGroups", listingPages));

            proxy.resetRequests();
            VmGroup victimGroup = discovery.described().groups().get(GROUPS / 2);
            String victim = victimGroup.healthyInService().get(0).id();
            VmGroup fresh = provider.describeGroup(victimGroup.ref());
            assertThat(fresh.healthyInService()).extracting(Instance::id).contains(victim);
            Map<String, Integer> readCalls = actions();
            proxy.resetRequests();
            TerminationResult result = provider.terminate(new TerminationRequest(victimGroup.ref(), victim, false,
                    "call count", "aws-run-1"));
            assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
            Map<String, Integer> terminateCalls = actions();
            proxy.resetRequests();
            int polls = 0;
            GroupHealth health;
            do {
                health = provider.health(victimGroup.ref());
                polls++;
            } while (health.healthyInService() < health.desiredCapacity() && polls < 20);
            assertThat(health.healthyInService()).as("moto replaces the instance at once").isEqualTo(1);
            Map<String, Integer> pollCalls = actions();
            assertThat(pollCalls).isEqualTo(Map.of("DescribeAutoScalingGroups", polls));

            int total = sum(discoveryCalls) + sum(readCalls) + sum(terminateCalls) + sum(pollCalls);
            System.out.printf("CLOUD-CALLS aws groups=%d victims=1 listingPages=%d discovery=%d victimRead=%d "
                    + "terminate=%d polls=%d total=%d bound=%d met=%s%n", GROUPS, listingPages, sum(discoveryCalls),
                    sum(readCalls), sum(terminateCalls), sum(pollCalls), total,
                    listingPages + sum(readCalls) + sum(terminateCalls) + sum(pollCalls),
                    sum(discoveryCalls) <= listingPages);
            assertThat(sum(discoveryCalls)).isLessThanOrEqualTo(listingPages);
        }
    }

    private static int sum(Map<String, Integer> calls) {
        return calls.values().stream().mapToInt(Integer::intValue).sum();
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
