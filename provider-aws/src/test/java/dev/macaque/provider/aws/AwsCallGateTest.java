package dev.macaque.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.macaque.spi.CallGate;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.testing.TestGates;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    private CloudProvider provider(String id, CallGate gate) {
        return provider(id, gate, "60s");
    }

    private CloudProvider provider(String id, CallGate gate, String apiTimeout) {
        Map<String, String> config = Map.of("regions", REGION, "endpoint", proxy.baseUrl(), "maxAttempts", "3",
                "apiTimeout", apiTimeout);
        return new MotoWorld(MOTO).factory().create(new TestContext(id, config, gate));
    }

    /**
     * The gate is passed inside the SDK's timed call: a request admitted after a wait longer than {@code apiTimeout}
     * (the budget's wait may last up to 30 s) is still sent and answered, not timed out as TRANSIENT.
     */
    @Test
    void aRequestAdmittedLaterThanTheApiTimeoutIsStillSent() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        CallGate slowFirstPermit = operation -> {
            if (asked.getAndIncrement() == 0) {
                try {
                    Thread.sleep(3_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (CloudProvider provider = provider("aws-late", slowFirstPermit, "2s")) {
            assertThat(provider.listGroups(GroupFilter.ALL)).hasSize(GROUPS);
            assertThat(proxy.findAll(anyRequestedFor(anyUrl()))).as("each request reached the endpoint once")
                    .hasSize(asked.get());
        }
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
        CallGate refusing = operation -> {
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
        TestGates.FixedWindow gate = TestGates.tenPerSecond();
        try (CloudProvider provider = provider("aws-limited", gate)) {
            TestGates.assertBudgetHoldsAtTheEndpoint("aws", provider, gate, GROUPS, PAGES, AwsCallGateTest::arrivalsMillis);
        }
    }

    private static List<Long> arrivalsMillis() {
        return proxy.findAll(anyRequestedFor(anyUrl())).stream().map(r -> r.getLoggedDate().getTime()).toList();
    }
}
