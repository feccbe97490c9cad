package dev.macaque.provider.aws;

import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * Remembers the outcome of recent real terminations by idempotency key, so that a retried request returns the first
 * result instead of calling AWS again. Bounded: the oldest keys are forgotten first. A request that failed is
 * forgotten at once, so that its retry is attempted again.
 *
 * <p>It also remembers which instances this provider terminated, because not every endpoint keeps the
 * {@code aws:autoscaling:groupName} tag on a terminated instance (moto drops it) and that memory is the other
 * evidence that a gone instance was a member of the group.
 */
final class TerminationLedger {

    private record Entry(TerminationRequest request, CompletableFuture<TerminationResult> result) {
    }

    private final int capacity;
    private final Map<String, Entry> byKey;
    /** "group ref + instance id" of instances this provider terminated, oldest first. */
    private final Map<String, Boolean> terminatedHere;

    TerminationLedger(int capacity) {
        this.capacity = capacity;
        this.byKey = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > TerminationLedger.this.capacity;
            }
        };
        this.terminatedHere = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > TerminationLedger.this.capacity;
            }
        };
    }

    /** Records that this provider had {@code instanceId} terminated as a member of {@code group}. */
    void recordTerminated(GroupRef group, String instanceId) {
        synchronized (terminatedHere) {
            terminatedHere.put(group + " " + instanceId, Boolean.TRUE);
        }
    }

    /** Whether this provider recently had {@code instanceId} terminated as a member of {@code group}. */
    boolean terminatedHere(GroupRef group, String instanceId) {
        synchronized (terminatedHere) {
            return terminatedHere.containsKey(group + " " + instanceId);
        }
    }

    /**
     * Runs {@code terminate} once per idempotency key. Concurrent callers with the same key wait for the first one's
     * result; a key reused for a different group or instance is refused.
     */
    TerminationResult once(TerminationRequest request, Supplier<TerminationResult> terminate) {
        CompletableFuture<TerminationResult> mine = new CompletableFuture<>();
        Entry existing;
        synchronized (byKey) {
            existing = byKey.get(request.idempotencyKey());
            if (existing == null) {
                byKey.put(request.idempotencyKey(), new Entry(request, mine));
            }
        }
        if (existing != null) {
            if (!existing.request().group().equals(request.group())
                    || !existing.request().instanceId().equals(request.instanceId())) {
                throw new ProviderException(ProviderException.Kind.INVALID_REQUEST, "idempotency key '"
                        + request.idempotencyKey() + "' was already used to terminate " + existing.request().instanceId()
                        + " in " + existing.request().group() + "; it cannot be reused for " + request.instanceId()
                        + " in " + request.group());
            }
            return await(existing.result());
        }
        try {
            TerminationResult result = terminate.get();
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            synchronized (byKey) {
                byKey.remove(request.idempotencyKey());
            }
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private static TerminationResult await(CompletableFuture<TerminationResult> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.TRANSIENT,
                    "interrupted while waiting for the first request with the same idempotency key", e);
        } catch (ExecutionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof ProviderException provider) {
                throw provider;
            }
            throw new ProviderException(ProviderException.Kind.TRANSIENT,
                    "the first request with the same idempotency key failed: " + cause.getMessage(), cause);
        }
    }
}
