package dev.macaque.experiments;

import dev.macaque.engine.RefusalReason;
import dev.macaque.engine.TerminationClaimRefused;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.Sql;
import dev.macaque.text.Durations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** The {@code kill_history} table: each group's last kill, and the claim on it an intent makes within its transaction. */
final class KillClaims {
    private KillClaims() {
    }

    static Optional<Instant> lastKill(Connection c, GroupRef group) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT last_kill_at FROM kill_history WHERE group_key = ?")) {
            select.setString(1, group.toString());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(Sql.instant(rs, "last_kill_at")) : Optional.empty();
            }
        }
    }

    /** Records {@code at} as the group's last kill unless a later one is recorded already. */
    static void recordKill(Connection c, GroupRef group, Instant at) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE kill_history SET last_kill_at = ? WHERE group_key = ? AND last_kill_at < ?")) {
            Sql.setInstant(update, 1, at);
            update.setString(2, group.toString());
            Sql.setInstant(update, 3, at);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM kill_history WHERE group_key = ?")) {
            exists.setString(1, group.toString());
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO kill_history (group_key, last_kill_at) VALUES (?, ?)")) {
            insert.setString(1, group.toString());
            Sql.setInstant(insert, 2, at);
            insert.executeUpdate();
        }
    }

    /**
     * Records {@code at} as the group's last kill, in the intent's transaction, unless the group was killed less than
     * {@code min} before: then throws {@link TerminationClaimRefused} and nothing of the intent is kept. Concurrent
     * claims serialise on the group's row (or its primary key), so two nodes can never both claim within {@code min}.
     */
    static void claim(Connection c, GroupRef group, Instant at, Duration min) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE kill_history SET last_kill_at = ? WHERE group_key = ? AND last_kill_at <= ?")) {
            Sql.setInstant(update, 1, at);
            update.setString(2, group.toString());
            Sql.setInstant(update, 3, at.minus(min));
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement select = c.prepareStatement("SELECT last_kill_at FROM kill_history WHERE group_key = ?")) {
            select.setString(1, group.toString());
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    throw refusedBecauseKilledAt(group, Sql.instant(rs, "last_kill_at"), at, min);
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO kill_history (group_key, last_kill_at) VALUES (?, ?)")) {
            insert.setString(1, group.toString());
            Sql.setInstant(insert, 2, at);
            insert.executeUpdate();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                throw new TerminationClaimRefused(RefusalReason.MIN_TIME_BETWEEN_KILLS, "group " + group
                        + " was claimed for a kill by another run at the same moment; guardrails.minTimeBetweenKills is "
                        + Durations.format(min));
            }
            throw e;
        }
    }

    private static TerminationClaimRefused refusedBecauseKilledAt(GroupRef group, Instant last, Instant now, Duration min) {
        Duration since = Duration.between(last, now);
        return new TerminationClaimRefused(RefusalReason.MIN_TIME_BETWEEN_KILLS, "group " + group + " was last killed at " + last
                + ", " + Durations.format(since.isNegative() ? Duration.ZERO : since) + " ago (seen when recording the intent); "
                + "guardrails.minTimeBetweenKills is " + Durations.format(min));
    }
}
