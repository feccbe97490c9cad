package dev.macaque.experiments;

import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Abort requests on a run's row: any node may ask, and the node that drives the run reads them. */
final class AbortRequests {
    private AbortRequests() {
    }

    /** Marks an unfinished run for abort; false when the run has already ended (or does not exist). */
    static boolean request(Connection c, String runId, String reason, String requestedBy, Instant now) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE runs SET abort_requested_at = ?, abort_requested_by = ?, "
                + "abort_reason = ? WHERE id = ? AND state IN " + RunStates.UNFINISHED)) {
            Sql.setInstant(update, 1, now);
            update.setString(2, requestedBy);
            update.setString(3, reason);
            update.setString(4, runId);
            return update.executeUpdate() == 1;
        }
    }

    /** Of {@code runIds} (not empty), those with an abort request: run id to the request's reason (or who asked). */
    static Map<String, String> of(Connection c, Collection<String> runIds) throws SQLException {
        String marks = String.join(", ", Collections.nCopies(runIds.size(), "?"));
        try (PreparedStatement select = c.prepareStatement("SELECT id, abort_reason, abort_requested_by FROM runs WHERE id IN ("
                + marks + ") AND abort_requested_at IS NOT NULL")) {
            int i = 1;
            for (String id : runIds) {
                select.setString(i++, id);
            }
            Map<String, String> requests = new LinkedHashMap<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    String reason = rs.getString("abort_reason");
                    requests.put(rs.getString("id"), reason != null ? reason : "aborted by " + rs.getString("abort_requested_by"));
                }
            }
            return requests;
        }
    }
}
