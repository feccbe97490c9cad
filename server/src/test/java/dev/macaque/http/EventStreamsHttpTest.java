package dev.macaque.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.experiments.RunEventBroadcaster;
import dev.macaque.experiments.RunStore;
import dev.macaque.experiments.RunEventView;
import dev.macaque.store.TestDatabases;
import dev.macaque.testcloud.TestCloudFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live event streams: pushed by one fan-out per run, no thread per subscriber, limited, hang-ups noticed. */
class EventStreamsHttpTest {
    private static final Map<String, Object> CLOUD = Map.of("type", "testcloud", "groups", "eu-west-1:web:4:true", "healAfterMillis", "50");

    @TempDir
    Path home;
    private TestServer server;
    private String operator;
    private final List<Socket> open = new ArrayList<>();

    private void start(int streamsPerRun) {
        server = TestServer.startWith(home, TestDatabases.h2(home), MacaqueConfig.Mode.UNLEASHED, Map.of("tc", CLOUD),
                c -> c.withLimits(new MacaqueConfig.LimitsConfig(null, null, streamsPerRun, 100)));
        operator = server.token("oncall", "operator");
        TestCloudFactory.GATES.put("tc", new Semaphore(0)); // the run waits in its kill until the test lets it go
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : open) {
            socket.close();
        }
        TestCloudFactory.GATES.values().forEach(g -> g.release(1000));
        TestCloudFactory.GATES.clear();
        if (server != null) {
            server.close();
        }
    }

    private String startRun() {
        var created = server.sendJson("POST", "/api/v1/experiments", operator, "{\"name\":\"held\",\"targets\":{\"providers\":[\"tc\"]},"
                + "\"selection\":{\"mode\":\"count\",\"value\":1},\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"100ms\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return TestServer.json(created).get("id").asText();
    }

    /** Opens a stream on a raw socket and reads up to its first event; the socket stays open. */
    private BufferedReader subscribe(String runId, List<String> firstLines) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.server.port());
        socket.setSoTimeout(10_000);
        open.add(socket);
        socket.getOutputStream().write(("GET /api/v1/experiments/" + runId + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + operator + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            firstLines.add(line);
            if (line.startsWith("event:") || line.startsWith("HTTP/1.1 5")) {
                break;
            }
        }
        return in;
    }

    private static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @Test
    void subscribersThatHangUpHoldNoThread() throws Exception {
        start(100);
        String id = startRun();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/api/v1/experiments/" + id + "/events", operator)
                .body().contains("TERMINATION_INTENT"));
        List<String> first = new ArrayList<>();
        subscribe(id, first);
        open.remove(open.size() - 1).close();
        int before = threads();

        for (int i = 0; i < 60; i++) {
            List<String> lines = new ArrayList<>();
            subscribe(id, lines);
            assertThat(lines).as("stream %d", i).contains("event: RUN_CREATED");
            open.remove(open.size() - 1).close(); // hang up without a word
        }

        assertThat(threads()).as("hung-up streams hold no server thread").isLessThanOrEqualTo(before + 5);
        RunEventBroadcaster broadcaster = server.server.injector().getInstance(RunEventBroadcaster.class);
        assertThat(broadcaster.feeds()).as("one fan-out for the run, not one per subscriber").isLessThanOrEqualTo(1);
    }

    @Test
    void aRunTakesAtMostItsLimitOfStreamsAndTheNextGetsA503ProblemWithRetryAfter() throws Exception {
        start(3);
        String id = startRun();
        List<BufferedReader> streams = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            streams.add(subscribe(id, new ArrayList<>()));
        }
        List<String> refused = new ArrayList<>();
        BufferedReader fourth = subscribe(id, refused);
        assertThat(refused.get(0)).startsWith("HTTP/1.1 503");
        StringBuilder rest = new StringBuilder();
        for (int c = fourth.read(); c >= 0; c = fourth.read()) {
            rest.append((char) c);
            if (c == '}') {
                break; // the end of the problem's JSON body (the connection stays open)
            }
        }
        assertThat(rest.toString()).containsIgnoringCase("retry-after: 30").containsIgnoringCase("application/problem+json")
                .contains("already has 3 live subscribers");

        TestCloudFactory.GATES.get("tc").release(10);
        for (BufferedReader stream : streams) {
            List<String> events = new ArrayList<>();
            for (String line = stream.readLine(); line != null && !events.contains("end"); line = stream.readLine()) {
                if (line.startsWith("event:")) {
                    events.add(line.substring(6).trim());
                }
            }
            assertThat(events).contains("RUN_COMPLETED").last().isEqualTo("end");
        }
        RunEventBroadcaster broadcaster = server.server.injector().getInstance(RunEventBroadcaster.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> broadcaster.subscribers() == 0 && broadcaster.feeds() == 0);
    }

    @Test
    void heartbeatsFindSubscribersThatHungUpAndDropThem() {
        start(3);
        String id = startRun();
        RunStore store = server.server.injector().getInstance(RunStore.class);
        try (RunEventBroadcaster broadcaster = new RunEventBroadcaster(store, runId -> "RUNNING", 10, 10, Duration.ofMillis(100))) {
            AtomicInteger heartbeats = new AtomicInteger();
            List<RunEventView> received = new CopyOnWriteArrayList<>();
            broadcaster.reserve(id).attach(new FakeSubscriber(received, heartbeats, false));
            broadcaster.reserve(id).attach(new FakeSubscriber(new CopyOnWriteArrayList<>(), new AtomicInteger(), true));
            await().atMost(Duration.ofSeconds(10)).until(() -> broadcaster.subscribers() == 1 && heartbeats.get() >= 2);
            assertThat(received).extracting(RunEventView::type).startsWith("RUN_CREATED", "RUN_STARTED");
        }
    }

    private record FakeSubscriber(List<RunEventView> received, AtomicInteger heartbeats, boolean hungUp)
            implements RunEventBroadcaster.Subscriber {
        @Override
        public void send(RunEventView event) {
            received.add(event);
        }

        @Override
        public void heartbeat() throws java.io.IOException {
            if (hungUp) {
                throw new java.io.IOException("Broken pipe");
            }
            heartbeats.incrementAndGet();
        }

        @Override
        public void end(String runId) {
        }

        @Override
        public boolean closed() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
