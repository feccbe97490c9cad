package dev.macaque.engine;

import dev.macaque.spi.GroupRef;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link KillHistory} held in memory, for tests, the simulator and a server without a store. */
public final class InMemoryKillHistory implements KillHistory {
    private final ConcurrentHashMap<GroupRef, Instant> lastKills = new ConcurrentHashMap<>();

    @Override
    public Optional<Instant> lastKill(GroupRef group) {
        return Optional.ofNullable(lastKills.get(group));
    }

    @Override
    public void recordKill(GroupRef group, Instant at) {
        lastKills.merge(group, at, (old, now) -> now.isAfter(old) ? now : old);
    }
}
