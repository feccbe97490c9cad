package dev.macaque.provider.gcp;

import dev.macaque.spi.TerminationResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Remembers the first result per idempotency key (bounded, oldest forgotten first), so that a repeated request
 * never kills a second time, even while the first is still running. A failed attempt is forgotten: retrying it
 * re-checks the group, which reports a member that is already leaving as already terminated.
 */
final class IdempotencyLedger {
    private final Map<String, CompletableFuture<TerminationResult>> results;

    IdempotencyLedger(int capacity) {
        results = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<TerminationResult>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The first answer to {@code key}, when one was given and has finished successfully. */
    java.util.Optional<TerminationResult> answered(String key) {
        CompletableFuture<TerminationResult> first;
        synchronized (results) {
            first = results.get(key);
        }
        return first != null && first.isDone() && !first.isCompletedExceptionally()
                ? java.util.Optional.of(first.join()) : java.util.Optional.empty();
    }

    /** Keeps {@code result} as the answer to {@code key} (a batch call's member), unless one is already kept. */
    void remember(String key, TerminationResult result) {
        synchronized (results) {
            results.putIfAbsent(key, CompletableFuture.completedFuture(result));
        }
    }

    TerminationResult once(String key, Supplier<TerminationResult> action) {
        CompletableFuture<TerminationResult> mine = new CompletableFuture<>();
        CompletableFuture<TerminationResult> first;
        synchronized (results) {
            first = results.putIfAbsent(key, mine);
        }
        if (first != null) {
            try {
                return first.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        }
        try {
            TerminationResult result = action.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            synchronized (results) {
                results.remove(key, mine);
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
