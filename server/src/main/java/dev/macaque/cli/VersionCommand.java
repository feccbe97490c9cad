package dev.macaque.cli;

import dev.macaque.spi.SpiVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code macaque version}: the Macaque version, the provider SPI version and the Java runtime. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print version information.")
public final class VersionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : lines()) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }

    static String[] lines() {
        String version = VersionCommand.class.getPackage().getImplementationVersion();
        return new String[] {
            "Macaque " + (version == null ? "(development build)" : version),
            "Provider SPI " + SpiVersion.CURRENT,
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
        };
    }

    /** Serves {@code macaque --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
