package dev.macaque.spi;

/**
 * Version of this SPI, as {@code MAJOR.MINOR}.
 *
 * <p>{@link #CURRENT} is a compile-time constant: {@code javac} copies its value into every class that
 * reads it, so a factory whose {@link ProviderFactory#spiVersion()} returns {@code SpiVersion.CURRENT}
 * reports the SPI it was <em>built</em> against, even when it runs against a newer server.
 *
 * <p>Compatibility: a plugin loads when its major equals the server's and its minor is not newer than the
 * server's (minor versions only add {@code default} methods and new records).
 */
public final class SpiVersion {
    /**
     * The version of the SPI in this jar. History: 1.0 the first; 1.1 added
     * {@link CloudProvider#describeGroups(java.util.List)} with {@link DescribedGroups}, and
     * {@link ProviderFactory#pluginVersion()}, both {@code default} methods; 1.2 added
     * {@link CloudProvider#listAndDescribeGroups} with {@link ListedGroups} (a {@code default} method); 1.3 added
     * {@link CloudProvider#listingCarriesMembers()} and {@link CloudProvider#describeListedGroups(java.util.List)} ({@code default}
     * methods), so that the server's inventory reads each group's members at most once per refresh, and
     * {@link CloudProvider#terminateMembers} with {@link MemberTermination} (a {@code default} method), so that a zone outage
     * terminates a group's members in one batch call where the cloud has one; 1.4 added {@link CallGate},
     * {@link ProviderContext#callGate()} and {@link CloudProvider#gatesEachRequest()} ({@code default} methods), so
     * that a provider instance's call budget counts each HTTP request at the cloud's endpoint, pages and polls included.
     */
    public static final String CURRENT = "1.4";

    private SpiVersion() {
    }

    /** The major part of {@code version}; throws {@link IllegalArgumentException} when it is not {@code MAJOR.MINOR}. */
    public static int major(String version) {
        return parse(version)[0];
    }

    /** The minor part of {@code version}; throws {@link IllegalArgumentException} when it is not {@code MAJOR.MINOR}. */
    public static int minor(String version) {
        return parse(version)[1];
    }

    /**
     * Whether a plugin built against {@code pluginVersion} runs on a server whose SPI is {@code serverVersion}.
     */
    public static boolean isCompatible(String serverVersion, String pluginVersion) {
        int[] server = parse(serverVersion);
        int[] plugin = parse(pluginVersion);
        return server[0] == plugin[0] && plugin[1] <= server[1];
    }

    private static int[] parse(String version) {
        if (version == null) {
            throw new IllegalArgumentException("SPI version is null");
        }
        String[] parts = version.split("\\.", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("SPI version '" + version + "' is not MAJOR.MINOR");
        }
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = Integer.parseInt(parts[1]);
            if (major < 0 || minor < 0) {
                throw new NumberFormatException();
            }
            return new int[] {major, minor};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("SPI version '" + version + "' is not MAJOR.MINOR", e);
        }
    }
}
