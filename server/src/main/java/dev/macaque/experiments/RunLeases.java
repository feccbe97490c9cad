package dev.macaque.experiments;

import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** Which node drives a run, and until when: the lease on an unfinished run's row and the fence it gives intents. */
final class RunLeases {
    private final String nodeId;
    private final Duration lease;

    RunLeases(String nodeId, Duration lease) {
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId is null");
        this.lease = Objects.requireNonNull(lease, "lease is null");
    }

    String nodeId() {
        return nodeId;
    }

    /** When a lease taken or renewed at {@code now} expires. */
    Instant expiry(Instant now) {
        return now.plus(lease);
    }

    /**
     * Renews this node's lease on the run, or returns false when this node no longer owns it (or it ended). It locks
     * the run's row, so a takeover and this renewal serialise.
     */
    boolean renew(Connection c, String runId, Instant now) throws SQLException {
        try (PreparedStatement own = c.prepareStatement("UPDATE runs SET lease_expires_at = ? WHERE id = ? AND owner_node = ? "
                + "AND state IN " + RunStates.UNFINISHED)) {
            Sql.setInstant(own, 1, expiry(now));
            own.setString(2, runId);
            own.setString(3, nodeId);
            return own.executeUpdate() == 1;
        }
    }

    /** Renews the lease on each of {@code runIds}; returns those this node no longer owns. */
    List<String> renewAll(Connection c, Collection<String> runIds, Instant now) throws SQLException {
        List<String> lost = new ArrayList<>();
        for (String id : runIds) {
            if (!renew(c, id, now)) {
                lost.add(id);
            }
        }
        return lost;
    }

    /** Makes this node the owner of a run it closed after a takeover; a closed run holds no lease. */
    void takeOver(Connection c, String runId) throws SQLException {
        try (PreparedStatement owner = c.prepareStatement("UPDATE runs SET owner_node = ?, lease_expires_at = NULL WHERE id = ?")) {
            owner.setString(1, nodeId);
            owner.setString(2, runId);
            owner.executeUpdate();
        }
    }
}
