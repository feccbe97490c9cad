package dev.macaque.cli;

import dev.macaque.config.ConfigException;
import dev.macaque.config.ConfigKeyLocator;
import dev.macaque.plugin.ProviderCatalog;
import dev.macaque.plugin.ProviderInstances;
import java.util.List;

import dev.macaque.config.ConfigLoader;
import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE}, shared by the commands that read the configuration. */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: conf/macaque.yaml in the installation folder, else built-in defaults).")
    Path config;

    MacaqueConfig load(InstallLayout layout) {
        return new ConfigLoader(System.getenv()).load(file(layout));
    }

    /** The file the configuration is read from, or null for the built-in defaults. */
    Path file(InstallLayout layout) {
        Path file = config;
        if (file == null) {
            Path installed = layout.home().resolve("conf/macaque.yaml");
            file = Files.isRegularFile(installed) ? installed : null;
        }
        return file;
    }

    /**
     * Fails like any invalid configuration (exit 2, each problem as file:line:column) when a provider instance names
     * a type that is not installed, a key its provider does not declare, or lacks a required key.
     */
    void checkProviderInstances(InstallLayout layout, MacaqueConfig loaded, ProviderCatalog catalog) {
        List<String> problems = ProviderInstances.configurationProblems(catalog, loaded,
                ConfigKeyLocator.of(file(layout)));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }
}
