package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.util.Optional;

/**
 * When each group was last killed, across runs: the memory behind {@code minTimeBetweenKills}. The engine appends
 * every real kill; the server's store implements it persistently. Implementations are thread-safe.
 */
public interface KillHistory {

    Optional<Instant> lastKill(GroupRef group);

    /** Records a kill; a time earlier than the one already recorded for the group is ignored. */
    void recordKill(GroupRef group, Instant at);
}
