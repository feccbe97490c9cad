package dev.macaque.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.config.MacaqueConfig.WebhookConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import dev.macaque.engine.RetryPolicy;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each {@link Notification} as JSON to every webhook that wants its type, in the background. A failed delivery
 * (no answer, or not 2xx) is retried after {@code initialBackoff}, doubling each time up to the cap (the engine's
 * {@link RetryPolicy} bounds), at most {@code maxAttempts} times in all; every attempt is recorded. The body is signed: {@code X-Macaque-Signature: sha256=<hex HMAC-SHA256 of
 * the body>} with the webhook's secret, which is never logged. Publishing never blocks or fails the caller.
 */
public final class WebhookNotifier implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WebhookNotifier.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final List<WebhookConfig> hooks;
    private final int maxAttempts;
    private final RetryPolicy retries;
    private final WebhookDeliveries deliveries;
    private final ObjectMapper json;
    private final Clock clock;
    private final ScheduledExecutorService executor;
    private final HttpClient http;
    private final String node;

    public WebhookNotifier(List<WebhookConfig> hooks, int maxAttempts, Duration initialBackoff, WebhookDeliveries deliveries,
            ObjectMapper json, Clock clock, ScheduledExecutorService executor, String node) {
        this.hooks = List.copyOf(hooks);
        this.maxAttempts = maxAttempts;
        this.retries = policy(maxAttempts, Objects.requireNonNull(initialBackoff, "initialBackoff is null"));
        this.deliveries = Objects.requireNonNull(deliveries, "deliveries is null");
        this.json = Objects.requireNonNull(json, "json is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
        this.executor = Objects.requireNonNull(executor, "executor is null");
        this.node = Objects.requireNonNull(node, "node is null");
        this.http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    }

    /** Queues {@code notification} for every interested webhook; returns at once. */
    public void publish(Notification notification) {
        if (hooks.isEmpty()) {
            return;
        }
        byte[] body = body(notification);
        for (WebhookConfig hook : hooks) {
            if (hook.events().isEmpty() || hook.events().contains(notification.type().wireName())) {
                submit(hook, notification, body, 1, Duration.ZERO);
            }
        }
    }

    private void submit(WebhookConfig hook, Notification notification, byte[] body, int attempt, Duration delay) {
        try {
            executor.schedule(() -> deliver(hook, notification, body, attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.warn("Webhook delivery of {} to {} dropped: the server is stopping", notification.type().wireName(), host(hook.url()));
        }
    }

    private void deliver(WebhookConfig hook, Notification notification, byte[] body, int attempt) {
        int status = 0;
        String error = null;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hook.url())).timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "macaque-webhook")
                    .header("X-Macaque-Event", notification.type().wireName())
                    .header("X-Macaque-Delivery", notification.id())
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (hook.secret() != null && !hook.secret().isEmpty()) {
                request.header("X-Macaque-Signature", "sha256=" + sign(hook.secret(), body));
            }
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status < 200 || status > 299) {
                error = "answered HTTP " + status;
            }
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (IllegalArgumentException e) {
            // its message quotes the whole URL, credential and all
            error = "the webhook URL is not a valid URI";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        boolean delivered = error == null;
        boolean retry = !delivered && attempt < maxAttempts && !Thread.currentThread().isInterrupted();
        String outcome = delivered ? "DELIVERED" : retry ? "RETRYING" : "GAVE_UP";
        try {
            deliveries.record(new WebhookDeliveries.Attempt(notification.id(), notification.type().wireName(), hook.url(), attempt,
                    status, outcome, error, clock.instant()));
        } catch (RuntimeException e) {
            log.warn("Could not record webhook delivery attempt {} of {}: {}", attempt, notification.id(), e.getMessage());
        }
        if (retry) {
            submit(hook, notification, body, attempt + 1, retries.bound(attempt));
        } else if (!delivered) {
            log.warn("Webhook at {} did not accept {} {} after {} attempts (last: {})", host(hook.url()), notification.type().wireName(),
                    notification.id(), attempt, error);
        }
    }

    /**
     * What a log line may say about a webhook: its host only. Webhook URLs often carry their credential in the path
     * (Slack's {@code /services/T000/B000/XXXX}) or the query, so the full URL is never logged.
     */
    static String host(String url) {
        try {
            String host = URI.create(url).getHost();
            return host == null ? "(a webhook URL without a host)" : host;
        } catch (IllegalArgumentException e) {
            return "(an unparseable webhook URL)";
        }
    }

    /** The engine's retry policy with this notifier's attempts and first backoff, capped at 5 minutes. */
    private static RetryPolicy policy(int maxAttempts, Duration initialBackoff) {
        Duration initial = initialBackoff.isZero() || initialBackoff.isNegative() ? Duration.ofMillis(1)
                : initialBackoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : initialBackoff;
        return new RetryPolicy(Math.max(1, maxAttempts), initial, MAX_BACKOFF);
    }

    /** The wait before attempt {@code failedAttempt + 1}: the retry policy's bound (a webhook waits it in full). */
    static Duration backoff(Duration initial, int failedAttempt) {
        return policy(Integer.MAX_VALUE, initial).bound(failedAttempt);
    }

    /** Hex HMAC-SHA256 of {@code body} with {@code secret}: what a receiver recomputes to check the signature. */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private byte[] body(Notification notification) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("id", notification.id());
        payload.put("type", notification.type().wireName());
        payload.put("occurredAt", notification.at().toString());
        payload.put("node", node);
        payload.put("text", notification.text());
        payload.put("data", notification.data());
        payload.put("fields", new java.util.TreeMap<>(notification.fields()));
        try {
            return json.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise notification " + notification.id(), e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
