package dev.macaque.engine;

import dev.macaque.engine.RunStep.ProviderCallRetry;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A run's provider calls with bounded retries: a retryable failure is recorded ({@code PROVIDER_CALL_RETRY}) and
 * retried after a backoff that is the run's pending task, never a sleep.
 */
final class ProviderCalls {
    /** What a provider call was about, for its retry events: a provider's listing, a group, or an instance. */
    record CallContext(String provider, Integer groups, GroupRef group, String instance) {
    }

    /** A provider failure as the run records it. */
    record ProviderError(String kind, String message, boolean retryable, Duration retryAfter) {
        @Override
        public String toString() {
            return kind + ": " + message;
        }
    }

    @FunctionalInterface
    interface Success<T> {
        void accept(T value, int attempts);
    }

    @FunctionalInterface
    interface Failure {
        void accept(ProviderError error, int attempts);
    }

    private final RetryPolicy retryPolicy;
    private final SplittableRandom jitterRandom;
    private final Object lock;
    private final RunJournal journal;
    private final RunControl run;
    private boolean awaitingRetry;

    ProviderCalls(RetryPolicy retryPolicy, SplittableRandom jitterRandom, Object lock, RunJournal journal, RunControl run) {
        this.retryPolicy = retryPolicy;
        this.jitterRandom = jitterRandom;
        this.lock = lock;
        this.journal = journal;
        this.run = run;
    }

    /**
     * Calls of their own for one of several calls under way at once (a zone outage's groups): the same policy and
     * jitter stream, but their own retry state, and their backoffs scheduled through {@code control}.
     */
    ProviderCalls lane(RunControl control) {
        return new ProviderCalls(retryPolicy, jitterRandom, lock, journal, control);
    }

    /** Whether the run's pending task is a retry's backoff. Called under the lock. */
    boolean awaitingRetry() {
        return awaitingRetry;
    }

    /** The pending backoff was cancelled. Called under the lock. */
    void retryCancelled() {
        awaitingRetry = false;
    }

    /**
     * Calls the provider outside the lock; a retryable failure is retried after a backoff (a scheduled task), up to
     * the policy's attempts. The callbacks run without the lock held.
     */
    <T> void callProvider(String operation, CallContext context, Supplier<T> call, Success<T> onSuccess,
                          Failure onFailure) {
        callProvider(operation, context, call, 1, onSuccess, onFailure);
    }

    private <T> void callProvider(String operation, CallContext context, Supplier<T> call, int attempt,
                                  Success<T> onSuccess, Failure onFailure) {
        T value;
        try {
            value = call.get();
        } catch (ProviderException e) {
            ProviderError error = new ProviderError(e.kind().name(), String.valueOf(e.getMessage()), e.retryable(),
                    e.retryAfter().orElse(null));
            if (error.retryable() && attempt < retryPolicy.maxAttempts()) {
                synchronized (lock) {
                    if (!run.state().isTerminal()) {
                        Duration delay = retryPolicy.backoff(attempt, error.retryAfter(), jitterRandom);
                        journal.record(new ProviderCallRetry(operation, context.provider(), context.groups(), context.group(), context.instance(),
                                attempt, error.kind(), error.message(), delay));
                        awaitingRetry = true;
                        run.schedule(delay, () -> {
                            synchronized (lock) {
                                awaitingRetry = false;
                                if (run.state().isTerminal()) {
                                    return;
                                }
                            }
                            callProvider(operation, context, call, attempt + 1, onSuccess, onFailure);
                        });
                        return;
                    }
                }
            }
            onFailure.accept(error, attempt);
            return;
        } catch (RuntimeException e) {
            onFailure.accept(new ProviderError("UNEXPECTED", e.toString(), false, null), attempt);
            return;
        }
        onSuccess.accept(value, attempt);
    }
}
