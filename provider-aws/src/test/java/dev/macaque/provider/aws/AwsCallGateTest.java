package dev.macaque.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.testing.TestGates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every HTTP request the provider sends passes the context's gate first (SPI 1.4): each page of a listing and each
 * retry attempt of the SDK, counted at a recording proxy in front of moto, which is where the cloud's quota counts.
 */
class AwsCallGateTest {
    private static final int GROUPS = 250;
    private static final int PAGES = 3;
    private static final String REGION = "eu-west-1";

    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static WireMockServer proxy;

    @BeforeAll
    static void fleetOfThreePages() throws Exception {
        MotoWorld world = new MotoWorld(MOTO);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> created = new ArrayList<>();
        for (int i = 0; i < GROUPS; i++) {
            String name = String.format("gate-%04d", i);
            created.add(pool.submit(() -> world.createGroup(REGION, name, 1, Map.of("macaque-enabled", "true"))));
        }
        for (Future<?> f : created) {
            f.get();
        }
        pool.shutdown();
        proxy = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        proxy.start();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.stop();
        }
    }

    @BeforeEach
    void proxyToMoto() {
        proxy.resetAll();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(MOTO.endpoint().toString())));
    }

    private CloudProvider provider(String id, dev.macaque.spi.CallGate gate) {
        Map<String, String> config = Map.of("regions", REGION, "endpoint", proxy.baseUrl(), "maxAttempts", "3",
                "apiTimeout", "60s");
        return new MotoWorld(MOTO).factory().create(new TestContext(id, config, gate));
    }

    @Test
    void eachPageAndEachRetryAttemptPassesTheGateOnce() {
        // the first page is answered with AWS's throttling once; the SDK retries it
        proxy.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                        .containing("Action=DescribeAutoScalingGroups"))
                .inScenario("throttle").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("calm")
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                        .withBody(AwsXml.autoScalingError("Sender", "Throttling", "Rate exceeded"))));
        TestGates.Counting gate = new TestGates.Counting();
        try (CloudProvider provider = provider("aws-gated", gate)) {
            assertThat(provider.gatesEachRequest()).isTrue();

            List<GroupSummary> listed = provider.listGroups(GroupFilter.ALL);

            assertThat(listed).hasSize(GROUPS);
            int received = proxy.findAll(anyRequestedFor(anyUrl())).size();
            assertThat(received).as("3 pages, the first sent twice").isEqualTo(PAGES + 1);
            assertThat(gate.passed()).hasSize(received)
                    .containsOnly("AutoScaling DescribeAutoScalingGroups");
        }
    }

    @Test
    void aRequestTheGateRefusesIsNeverSentAndItsRefusalComesOutUnchanged() {
        dev.macaque.spi.CallGate refusing = operation -> {
            throw new ProviderException(ProviderException.Kind.THROTTLED, "budget used up for " + operation, null, false, null);
        };
        try (CloudProvider provider = provider("aws-refused", refusing)) {
            assertThatThrownBy(() -> provider.listGroups(GroupFilter.ALL))
                    .isInstanceOfSatisfying(ProviderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ProviderException.Kind.THROTTLED);
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).isEqualTo("budget used up for AutoScaling DescribeAutoScalingGroups");
                    });
            assertThat(proxy.findAll(anyRequestedFor(anyUrl()))).as("nothing reached the endpoint").isEmpty();
        }
    }

    /** Requests per second as the endpoint sees them, under 4 concurrent whole-fleet listings (3 pages each) × 3. */
    @Test
    void aRateLimitedGateBoundsTheRequestsPerSecondAtTheEndpointDuringConcurrentMultiPageListings() throws Exception {
        TestGates.FixedWindow gate = new TestGates.FixedWindow(4, Duration.ofMillis(400));
        try (CloudProvider provider = provider("aws-limited", gate)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Integer>> listings = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                listings.add(pool.submit(() -> {
                    int groups = 0;
                    for (int i = 0; i < 3; i++) {
                        groups = provider.listGroups(GroupFilter.ALL).size();
                    }
                    return groups;
                }));
            }
            for (Future<Integer> listing : listings) {
                assertThat(listing.get(60, TimeUnit.SECONDS)).isEqualTo(GROUPS);
            }
            pool.shutdown();
        }
        List<Long> at = new ArrayList<>();
        for (LoggedRequest request : proxy.findAll(anyRequestedFor(anyUrl()))) {
            at.add(request.getLoggedDate().getTime());
        }
        Collections.sort(at);
        int worst = TestGates.worstSecond(at);
        // 4 requests per 400 ms: 10 a second; a second (plus up to 200 ms of transit jitter) touches at most 4 windows
        int bound = gate.perSecondBound(Duration.ofMillis(200));
        System.out.printf("CALL-GATE aws requests=%d over=%dms worstSecond=%d bound=%d waits=%d%n", at.size(),
                at.get(at.size() - 1) - at.get(0), worst, bound, gate.waited());
        assertThat(at).hasSize(4 * 3 * PAGES);
        assertThat(gate.waited()).as("the gate held requests back").isPositive();
        assertThat(bound).isEqualTo(16);
        assertThat(worst).isLessThanOrEqualTo(bound);
    }
}
