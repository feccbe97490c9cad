package dev.macaque.cli;

import dev.macaque.plugin.PluginLoader;
import dev.macaque.plugin.ProviderCatalog;

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
        // Provider instance keys are only known to their plugins: check them like the rest of the configuration,
        // before anything starts, so that a typo stops serve with exit 2 instead of a failed instance at run time.
        ProviderCatalog catalog = new PluginLoader(ServeCommand.class.getClassLoader())
                .load(layout.resolve(config.plugins().directory()));
        try {
            configOptions.checkProviderInstances(layout, config, catalog);
        } finally {
            catalog.closeLoaders();
        }
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
