package dev.macaque.cli;

import dev.macaque.MacaqueServer;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.logging.LoggingSetup;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code macaque serve}: runs the HTTP server until SIGTERM or SIGINT, then shuts down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the Macaque server.")
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = {"-p", "--port"}, paramLabel = "N", description = "TCP port (overrides server.port).")
    Integer port;

    @Override
    public Integer call() throws InterruptedException {
        InstallLayout layout = InstallLayout.detect();
        MacaqueConfig config = configOptions.load(layout);
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--port must be between 0 and 65535, was " + port);
            }
            config = config.withServer(new MacaqueConfig.ServerConfig(config.server().host(), port, config.server().shutdownTimeout()));
        }
        LoggingSetup.apply(config.logging());
        MacaqueServer server = MacaqueServer.start(config, layout);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "macaque-shutdown"));
        stopped.await();
        return 0;
    }
}
