package dev.macaque.cli;

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
        Path file = config;
        if (file == null) {
            Path installed = layout.home().resolve("conf/macaque.yaml");
            file = Files.isRegularFile(installed) ? installed : null;
        }
        return new ConfigLoader(System.getenv()).load(file);
    }
}
