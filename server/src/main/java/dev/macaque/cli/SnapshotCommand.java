package dev.macaque.cli;

import dev.macaque.config.InstallLayout;
import dev.macaque.config.MacaqueConfig;
import dev.macaque.logging.LoggingSetup;
import dev.macaque.plugin.ConfiguredProvider;
import dev.macaque.plugin.PluginLoader;
import dev.macaque.plugin.ProviderCatalog;
import dev.macaque.plugin.ProviderInstances;
import dev.macaque.simulate.FleetSnapshot;
import dev.macaque.simulations.MeasuredRecoveries;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ProviderException;
import dev.macaque.store.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code macaque snapshot [--config F] [--provider ID] --out fleet.yaml}: writes the real fleet of one configured
 * provider as a scenario (groups, zones, desired, tags; boot times from this server's measured times to recover when
 * known, else a stated default), ready to add services and hypotheses to, and to predict experiments against.
 */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {"Write a configured provider's fleet as a scenario file (groups, zones, desired, tags, boot times).",
                "Boot times are this server's measured times to recover when its database has them, else "
                        + "90s (marked in the file). Exit 0 when written, 2 for invalid input, 1 when the provider fails."})
public final class SnapshotCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions configOptions;

    @Option(names = "--provider", paramLabel = "ID", description = "The provider instance to read (default: the only one configured).")
    String providerId;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "The scenario file to write.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        InstallLayout layout = InstallLayout.detect();
        MacaqueConfig config = configOptions.load(layout);
        LoggingSetup.apply(new MacaqueConfig.LoggingConfig(config.logging().format(), "WARN"));
        ProviderCatalog catalog = new PluginLoader(SnapshotCommand.class.getClassLoader()).load(layout.resolve(config.plugins().directory()));
        try (ProviderInstances instances = ProviderInstances.create(catalog, config, Clock.systemUTC())) {
            List<ConfiguredProvider> all = instances.all();
            ConfiguredProvider chosen;
            if (providerId == null) {
                if (all.size() != 1) {
                    stderr.println("macaque snapshot: " + all.size() + " providers are configured ("
                            + String.join(", ", all.stream().map(ConfiguredProvider::id).toList()) + "): name one with --provider");
                    return ExitCodes.INVALID_INPUT;
                }
                chosen = all.get(0);
            } else {
                chosen = instances.byId(providerId).orElse(null);
                if (chosen == null) {
                    stderr.println("macaque snapshot: --provider '" + providerId + "' is not configured; configured: "
                            + String.join(", ", all.stream().map(ConfiguredProvider::id).toList()));
                    return ExitCodes.INVALID_INPUT;
                }
            }
            if (!chosen.isReady()) {
                stderr.println("macaque snapshot: provider " + chosen.id() + " could not be created: " + chosen.error());
                return ExitCodes.FAILED;
            }
            CloudProvider provider = chosen.providerIfReady().orElseThrow();
            Map<String, Duration> measured = measured(config, chosen.id(), stderr);
            FleetSnapshot snapshot;
            try {
                snapshot = FleetSnapshot.capture(provider, measured, Clock.systemUTC().instant());
            } catch (ProviderException | IllegalArgumentException e) {
                stderr.println("macaque snapshot: reading provider " + chosen.id() + " failed: " + e.getMessage());
                return ExitCodes.FAILED;
            }
            try {
                Path absolute = out.toAbsolutePath();
                if (absolute.getParent() != null) {
                    Files.createDirectories(absolute.getParent());
                }
                Path temp = absolute.resolveSibling(absolute.getFileName() + ".tmp");
                Files.writeString(temp, snapshot.toYaml(measured), StandardCharsets.UTF_8);
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                stderr.println("macaque snapshot: cannot write " + out + ": " + e.getMessage());
                return ExitCodes.INVALID_INPUT;
            }
            long known = snapshot.scenario().groups().stream().filter(g -> measured.containsKey(g.name())).count();
            stdout.printf("Wrote %s: %d groups of provider %s, %d with a measured boot time, %d with the default %s%n", out,
                    snapshot.scenario().groups().size(), chosen.id(), known, snapshot.scenario().groups().size() - known,
                    dev.macaque.text.Durations.format(FleetSnapshot.DEFAULT_BOOT));
            snapshot.caveats().forEach(c -> stdout.println("  note: " + c));
            stdout.flush();
            return ExitCodes.OK;
        }
    }

    /** Measured times by group name for {@code provider}; a database that cannot be read is said, not hidden. */
    private static Map<String, Duration> measured(MacaqueConfig config, String provider, PrintWriter stderr) {
        Map<String, Duration> byName = new TreeMap<>();
        try (Database database = Database.open(config.database())) {
            byName.putAll(new MeasuredRecoveries(database).byGroupName(provider));
        } catch (RuntimeException e) {
            stderr.println("macaque snapshot: no measured boot times (the database could not be read: " + e.getMessage()
                    + "); every group gets the default");
        }
        return byName;
    }
}
