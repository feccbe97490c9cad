package dev.macaque.simulated;

import dev.macaque.simulated.scenario.Scenario;
import dev.macaque.simulated.scenario.ScenarioException;
import dev.macaque.simulated.scenario.ScenarioParser;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ConfigKey;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * Creates {@link SimulatedProvider}s over a world driven in real time (type {@code simulated}).
 *
 * <p>Configuration: {@code world} ({@code demo} for the built-in demo topology, or the path of a scenario YAML),
 * {@code speed} (virtual seconds per real second, default 60) and {@code seed} (overrides the scenario's). The
 * world's virtual time starts at {@code context.clock()}'s instant; {@code context.clock()} is read only as the real
 * time reference for the coupling. The driver thread stops when the provider is closed.
 */
public final class SimulatedProviderFactory implements ProviderFactory {
    public static final String DEMO_WORLD = "demo";
    public static final String DEMO_RESOURCE = "/dev/macaque/simulated/demo-world.yaml";
    public static final double DEFAULT_SPEED = 60;

    @Override
    public String type() {
        return SimulatedProvider.TYPE;
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public String description() {
        return "A deterministic simulated cloud (groups, services, faults) driven in real time; 'demo' needs no setup";
    }

    @Override
    public List<ConfigKey> configKeys() {
        return List.of(
                ConfigKey.optional("world", "'demo' for the built-in demo world, or the path of a scenario YAML file", DEMO_WORLD),
                ConfigKey.optional("speed", "virtual seconds per real second (60 = one simulated minute per second)", "60"),
                ConfigKey.optional("seed", "random seed; overrides the scenario's", null));
    }

    @Override
    public CloudProvider create(ProviderContext context) {
        Scenario scenario = loadWorld(context.configValue("world").orElse(DEMO_WORLD).trim());
        double speed = parseSpeed(context.configValue("speed").orElse(String.valueOf(DEFAULT_SPEED)));
        String seedText = context.configValue("seed").orElse(null);
        if (seedText != null) {
            scenario = scenario.withSeed(parseSeed(seedText));
        }
        SimulatedWorld world = SimulatedWorld.of(scenario, context.clock().instant());
        RealTimeDriver driver = world.runRealTime(speed, context.clock(), context.logger());
        context.logger().log(System.Logger.Level.INFO, "simulated world '" + scenario.name() + "' from " + scenario.source()
                + " running at " + speed + "x with seed " + scenario.seed() + " (reproduce with seed=" + scenario.seed() + ")");
        return new SimulatedProvider(world, context.instanceId(), driver);
    }

    private static Scenario loadWorld(String world) {
        try {
            if (world.equals(DEMO_WORLD)) {
                return ScenarioParser.parseResource(DEMO_RESOURCE);
            }
            Path path = Paths.get(world);
            if (!Files.isRegularFile(path)) {
                throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                        "world: '" + world + "' is neither 'demo' nor a readable scenario file");
            }
            return ScenarioParser.parse(path);
        } catch (ScenarioException e) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "world: " + e.getMessage(), e);
        }
    }

    private static double parseSpeed(String text) {
        try {
            double speed = Double.parseDouble(text.trim());
            if (speed > 0 && !Double.isInfinite(speed)) {
                return speed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProviderException(ProviderException.Kind.INVALID_REQUEST,
                "speed: '" + text + "' is not a number > 0 (virtual seconds per real second, e.g. 60)");
    }

    private static long parseSeed(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "seed: '" + text + "' is not an integer", e);
        }
    }
}
