package dev.macaque.testcloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * moto_server, the AWS emulator, on a free loopback port ({@code $MOTO_SERVER}, {@code $PATH} or the machine image's
 * pyenv shim), and AWS Query API calls to it that set up a fleet without Macaque.
 */
public final class MotoServer implements AutoCloseable {
    private static final String FALLBACK = "/root/.pyenv/shims/moto_server";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process process;
    private final URI endpoint;

    private MotoServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts moto_server and waits until it answers; the SDK's default credential chain finds dummy keys. */
    public static MotoServer start() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("moto-", ".log");
        Process process = new ProcessBuilder(locate(), "-H", "127.0.0.1", "-p", Integer.toString(port)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() < 500);
        // the SDK inside the plugin finds these through its default credential chain; moto accepts any
        System.setProperty("aws.accessKeyId", "testing");
        System.setProperty("aws.secretAccessKey", "testing");
        return new MotoServer(process, endpoint);
    }

    private static String locate() {
        String fromEnv = System.getenv("MOTO_SERVER");
        if (fromEnv != null && new File(fromEnv).canExecute()) {
            return fromEnv;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "moto_server").canExecute()) {
                return new File(dir, "moto_server").getPath();
            }
        }
        if (new File(FALLBACK).canExecute()) {
            return FALLBACK;
        }
        throw new AssertionError("moto_server not found ($MOTO_SERVER, $PATH, " + FALLBACK + "): this test needs it");
    }

    public URI endpoint() {
        return endpoint;
    }

    /** One AWS Query API call (form-encoded; moto routes by the credential scope and does not check signatures). */
    public String query(String service, Map<String, String> params) throws IOException, InterruptedException {
        String form = params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(endpoint.resolve("/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=testing/20261126/us-east-1/" + service
                        + "/aws4_request, SignedHeaders=host, Signature=0")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", service, params.get("Action"), response.body()).isEqualTo(200);
        return response.body();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
