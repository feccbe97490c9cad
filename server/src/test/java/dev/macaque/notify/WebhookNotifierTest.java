package dev.macaque.notify;

import dev.macaque.notify.event.NotificationType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.macaque.config.MacaqueConfig.WebhookConfig;
import dev.macaque.store.Database;
import dev.macaque.store.TestDatabases;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private Database database;
    private HttpServer receiver;
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private WebhookNotifier notifier;

    /** One request as the receiver saw it: body, signature and event headers. */
    @BeforeEach
    void start() throws Exception {
        database = Database.open(TestDatabases.h2(dir));
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(Map.of("body", body,
                    "signature", String.valueOf(exchange.getRequestHeaders().getFirst("X-Macaque-Signature")),
                    "event", String.valueOf(exchange.getRequestHeaders().getFirst("X-Macaque-Event"))));
            exchange.sendResponseHeaders(failuresLeft.getAndDecrement() > 0 ? 503 : 200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (notifier != null) {
            notifier.close();
        }
        receiver.stop(0);
        database.close();
    }

    private WebhookNotifier notifier(int maxAttempts, List<String> events) {
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        notifier = new WebhookNotifier(List.of(new WebhookConfig(url, "s3cret", events)), maxAttempts, Duration.ofMillis(50),
                new WebhookDeliveries(database), JSON, Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(), "node-1");
        return notifier;
    }

    private static Notification termination() {
        return new Notification("evt-1", NotificationType.TERMINATION, Instant.parse("2026-03-02T10:00:00Z"),
                "Macaque: TERMINATED i-1 in tc/eu-west-1/web (run run_1)", Map.of("runId", "run_1", "instance", "i-1"));
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffUntilItAcceptsAndEveryAttemptIsRecorded() throws Exception {
        failuresLeft.set(2);
        notifier(5, List.of()).publish(termination());

        WebhookDeliveries deliveries = new WebhookDeliveries(database);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.attempts().size() == 3);
        assertThat(deliveries.attempts()).extracting(WebhookDeliveries.Attempt::attempt, WebhookDeliveries.Attempt::statusCode,
                WebhookDeliveries.Attempt::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, 503, "RETRYING"), org.assertj.core.groups.Tuple.tuple(2, 503, "RETRYING"),
                org.assertj.core.groups.Tuple.tuple(3, 200, "DELIVERED"));
        List<Instant> times = deliveries.attempts().stream().map(WebhookDeliveries.Attempt::attemptedAt).toList();
        assertThat(Duration.between(times.get(1), times.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(90)); // 50ms, then 100ms

        assertThat(received).hasSize(3);
        for (Map<String, String> request : received) {
            byte[] body = request.get("body").getBytes(StandardCharsets.UTF_8);
            assertThat(request.get("signature")).isEqualTo("sha256=" + WebhookNotifier.sign("s3cret", body));
            assertThat(request.get("event")).isEqualTo("termination");
        }
        JsonNode payload = JSON.readTree(received.get(2).get("body"));
        assertThat(payload.get("text").asText()).isEqualTo("Macaque: TERMINATED i-1 in tc/eu-west-1/web (run run_1)");
        assertThat(payload.get("type").asText()).isEqualTo("termination");
        assertThat(payload.get("id").asText()).isEqualTo("evt-1");
        assertThat(payload.get("data").get("runId").asText()).isEqualTo("run_1");
    }

    @Test
    void deliveryGivesUpAfterMaxAttemptsAndSaysSo() {
        failuresLeft.set(100);
        notifier(2, List.of()).publish(termination());
        WebhookDeliveries deliveries = new WebhookDeliveries(database);
        await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.attempts().size() == 2);
        assertThat(deliveries.attempts()).extracting(WebhookDeliveries.Attempt::outcome).containsExactly("RETRYING", "GAVE_UP");
        assertThat(deliveries.attempts().get(1).error()).contains("HTTP 503");
    }

    @Test
    void aWebhookOnlyHearsTheEventsItAskedFor() throws Exception {
        notifier(3, List.of("killswitch")).publish(termination());
        notifier.publish(new Notification("evt-2", NotificationType.KILL_SWITCH, Instant.now(), "kill switch engaged", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        Thread.sleep(200);
        assertThat(received).singleElement().satisfies(r -> assertThat(r.get("event")).isEqualTo("killswitch"));
    }

    @Test
    void theBackoffDoublesAndIsBounded() {
        assertThat(WebhookNotifier.backoff(Duration.ofSeconds(1), 1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(WebhookNotifier.backoff(Duration.ofSeconds(1), 4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(WebhookNotifier.backoff(Duration.ofSeconds(1), 30)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aFailingDeliveryLogsTheWebhookHostButNeverItsUrl() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String slackStyle = "http://127.0.0.1:" + closedPort + "/services/T0001/B0002/sEcReTpAtH?token=qUeRySeCrEt";
        try (var logs = new dev.macaque.logging.LogCapture()) {
            notifier = new WebhookNotifier(List.of(new WebhookConfig(slackStyle, null, List.of())), 1, Duration.ofMillis(10),
                    new WebhookDeliveries(database), JSON, Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(), "node-1");
            notifier.publish(termination());
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("did not accept"));

            assertThat(logs.text()).contains("Webhook at 127.0.0.1 did not accept termination evt-1")
                    .doesNotContain("sEcReTpAtH").doesNotContain("qUeRySeCrEt").doesNotContain("/services/");
        }
    }

    @Test
    void anInvalidWebhookUrlIsReportedWithoutQuotingIt() throws Exception {
        try (var logs = new dev.macaque.logging.LogCapture()) {
            notifier = new WebhookNotifier(List.of(new WebhookConfig("http://127.0.0.1/hooks/sEcReT value", null, List.of())), 1,
                    Duration.ofMillis(10), new WebhookDeliveries(database), JSON, Clock.systemUTC(),
                    Executors.newSingleThreadScheduledExecutor(), "node-1");
            notifier.publish(termination());
            WebhookDeliveries deliveries = new WebhookDeliveries(database);
            await().atMost(Duration.ofSeconds(10)).until(() -> deliveries.attempts().size() == 1 && logs.text().contains("did not accept"));

            assertThat(deliveries.attempts().get(0).error()).isEqualTo("the webhook URL is not a valid URI");
            assertThat(logs.text()).doesNotContain("sEcReT");
        }
    }
}
