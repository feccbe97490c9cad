package dev.macaque.provider.azure;

import dev.macaque.spi.TerminationResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Remembers the first result per idempotency key, so that a retried request never terminates a second time, and the
 * members this provider terminated, so that a second request for one of them reads as "already terminated" rather
 * than "not a member" once Azure has forgotten it, and deletes whose capacity restore is still owed (the delete timed
 * out). Bounded: the oldest entries are forgotten first. In memory only:
 * after a restart the provider relies on Azure's own state (an instance still deleting is already terminated).
 */
final class IdempotencyLedger {
    private final Map<String, TerminationResult> results;
    private final Map<String, Boolean> terminatedMembers;
    private final Map<String, Long> pendingRestores;
    /** Per key in use, its lock and how many threads hold or wait for it: the entry goes when the last one leaves. */
    private final Map<String, KeyLock> inFlight = new ConcurrentHashMap<>();

    private static final class KeyLock {
        private int users; // changed only inside the map's compute for this key
    }

    IdempotencyLedger(int capacity) {
        this.results = bounded(capacity);
        this.terminatedMembers = bounded(capacity);
        this.pendingRestores = bounded(capacity);
    }

    /**
     * Runs {@code termination} once per {@code key}: a later or concurrent call with the same key gets the first
     * call's result. A termination that threw is not remembered, so it can be retried.
     */
    TerminationResult once(String key, Supplier<TerminationResult> termination) {
        KeyLock lock = enter(key);
        try {
            synchronized (lock) {
                TerminationResult earlier = remembered(key);
                if (earlier != null) {
                    return earlier;
                }
                TerminationResult result = termination.get();
                synchronized (this) {
                    results.put(key, result);
                }
                return result;
            }
        } finally {
            leave(key);
        }
    }

    /**
     * {@link #once} for several keys together (one batch call for the members of one scale set): runs {@code batch}
     * once for the keys not answered yet, while holding every key's lock — taken in key order, so two batches that
     * share keys cannot deadlock, and a concurrent {@link #once} of one of the keys waits. The results {@code batch}
     * returns are remembered; a key it leaves out (its member failed) is not, so it can be retried.
     *
     * @return the first result of every key answered before, and what {@code batch} returned for the others
     */
    Map<String, TerminationResult> onceEach(Collection<String> keys,
                                            Function<Set<String>, Map<String, TerminationResult>> batch) {
        List<String> ordered = new ArrayList<>(new TreeSet<>(keys));
        return locked(ordered, 0, () -> {
            Map<String, TerminationResult> answered = new LinkedHashMap<>();
            Set<String> open = new LinkedHashSet<>();
            for (String key : ordered) {
                TerminationResult earlier = remembered(key);
                if (earlier != null) {
                    answered.put(key, earlier);
                } else {
                    open.add(key);
                }
            }
            if (!open.isEmpty()) {
                Map<String, TerminationResult> fresh = batch.apply(Set.copyOf(open));
                synchronized (this) {
                    fresh.forEach((key, result) -> {
                        if (open.contains(key)) {
                            results.put(key, result);
                            answered.put(key, result);
                        }
                    });
                }
            }
            return answered;
        });
    }

    private <T> T locked(List<String> keys, int from, Supplier<T> body) {
        if (from == keys.size()) {
            return body.get();
        }
        String key = keys.get(from);
        KeyLock lock = enter(key);
        try {
            synchronized (lock) {
                return locked(keys, from + 1, body);
            }
        } finally {
            leave(key);
        }
    }

    /**
     * The key's lock, counted as used before it is waited for: a lock is dropped only when no thread holds or waits
     * for it, so two threads never hold different locks for one key (with a plain remove after use, a waiter on the
     * old lock and a newcomer with a new one could both run a termination whose first attempt threw).
     */
    private KeyLock enter(String key) {
        return inFlight.compute(key, (k, lock) -> {
            KeyLock used = lock == null ? new KeyLock() : lock;
            used.users++;
            return used;
        });
    }

    private void leave(String key) {
        inFlight.computeIfPresent(key, (k, lock) -> --lock.users == 0 ? null : lock);
    }

    synchronized void markTerminated(String member) {
        terminatedMembers.put(member, Boolean.TRUE);
    }

    synchronized boolean wasTerminated(String member) {
        return terminatedMembers.containsKey(member);
    }

    /** Records that deleting {@code member} will lower its scale set's capacity from {@code capacityBefore}. */
    synchronized void expectRestore(String member, long capacityBefore) {
        pendingRestores.put(member, capacityBefore);
    }

    /** The capacity to restore after deleting {@code member}, when a delete was started and not yet followed up. */
    synchronized OptionalLong pendingRestore(String member) {
        Long capacity = pendingRestores.get(member);
        return capacity == null ? OptionalLong.empty() : OptionalLong.of(capacity);
    }

    synchronized void restored(String member) {
        pendingRestores.remove(member);
    }

    private synchronized TerminationResult remembered(String key) {
        return results.get(key);
    }

    private static <V> Map<String, V> bounded(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }
}
