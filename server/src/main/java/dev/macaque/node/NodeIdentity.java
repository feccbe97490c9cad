package dev.macaque.node;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.text.Durations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * This node among the servers sharing one database: its name (owner of the runs and decisions it leases), how long
 * its leases last and how often it polls.
 */
public record NodeIdentity(String nodeId, Duration leaseDuration, Duration pollInterval) {
    public NodeIdentity {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /** From {@code cluster:}; without {@code nodeId}, the host name and process id (unique among live processes). */
    public static NodeIdentity of(MacaqueConfig.ClusterConfig config) {
        String id = config.nodeId();
        if (id == null) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "node";
            }
            id = host.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
        }
        return new NodeIdentity(id, Durations.parse(config.leaseDuration()), Durations.parse(config.pollInterval()));
    }
}
