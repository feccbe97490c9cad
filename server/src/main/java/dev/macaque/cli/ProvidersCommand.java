package dev.macaque.cli;

import dev.macaque.spi.SpiVersion;

import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.logging.LoggingSetup;
import dev.macaque.plugin.InstalledProvider;
import dev.macaque.plugin.PluginLoadError;
import dev.macaque.plugin.PluginLoader;
import dev.macaque.plugin.ProviderCatalog;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code macaque providers}: installed providers (built-in and plugins), their versions, and plugins that failed to load. */
@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "List installed providers (built-in and plugins) with their SPI and plugin versions, and plugin load"
                + " errors; exits 2 when a configured provider instance has an unknown type, an unknown key or lacks a"
                + " required key.")
public final class ProvidersCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        InstallLayout layout = InstallLayout.detect();
        MacaqueConfig config = configOptions.load(layout);
        // a one-shot command: only warnings, so that its own output stands out
        LoggingSetup.apply(new MacaqueConfig.LoggingConfig(config.logging().format(), "WARN"));
        ProviderCatalog catalog = new PluginLoader(ProvidersCommand.class.getClassLoader())
                .load(layout.resolve(config.plugins().directory()));
        configOptions.checkProviderInstances(layout, config, catalog);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %-5s %-16s %-14s %s%n", "TYPE", "SPI", "VERSION", "CONFIGURED", "ORIGIN");
        for (InstalledProvider provider : catalog.installed()) {
            List<String> ids = config.providers().entrySet().stream()
                    .filter(e -> provider.type().equals(e.getValue().get("type"))).map(java.util.Map.Entry::getKey).toList();
            out.printf("%-12s %-5s %-16s %-14s %s%n", provider.type(), provider.factory().spiVersion(),
                    provider.pluginVersion().orElse("-"), ids.isEmpty() ? "-" : String.join(",", ids), provider.origin());
        }
        out.println();
        out.println("Server SPI version: " + SpiVersion.CURRENT);
        if (!catalog.errors().isEmpty()) {
            out.println();
            out.println("Plugins that failed to load:");
            for (PluginLoadError error : catalog.errors()) {
                out.println("  " + error.plugin() + ": " + error.error());
            }
        }
        out.flush();
        return 0;
    }
}
