package dev.macaque.provider.aws;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs {@code moto_server} (a local AWS emulator shipped with these machines) on a free loopback port for one test
 * class. When moto cannot be found the tests fail: a provider that was never run against an emulator must not pass.
 */
final class MotoServer implements BeforeAllCallback, AfterAllCallback {

    static final String FALLBACK = "/root/.pyenv/shims/moto_server";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Path log;
    private URI endpoint;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String executable = locate();
        int port = freePort();
        log = Files.createTempFile("moto-", ".log");
        process = new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        endpoint = URI.create("http://127.0.0.1:" + port);
        awaitReady();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    URI endpoint() {
        return endpoint;
    }

    private static String locate() {
        String fromEnv = System.getenv("MOTO_SERVER");
        if (fromEnv != null && !fromEnv.isBlank()) {
            if (!new File(fromEnv).canExecute()) {
                throw new AssertionError("MOTO_SERVER=" + fromEnv + " is not an executable file");
            }
            return fromEnv;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                File candidate = new File(dir, "moto_server");
                if (candidate.canExecute()) {
                    return candidate.getPath();
                }
            }
        }
        if (new File(FALLBACK).canExecute()) {
            return FALLBACK;
        }
        throw new AssertionError("moto_server not found (looked at $MOTO_SERVER, every $PATH entry and " + FALLBACK
                + "). The AWS provider's emulator tests need it: install moto[server] (pip install 'moto[server]')"
                + " or point MOTO_SERVER at the executable.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("moto_server exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                        .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("moto_server did not answer on " + endpoint + " within 30 s: " + Files.readString(log));
    }
}
