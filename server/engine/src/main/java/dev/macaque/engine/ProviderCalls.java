package dev.macaque.engine;

import dev.macaque.engine.RunStep.ProviderCallRetry;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One run's provider calls with bounded retries: a {@link ProviderException} whose {@code retryable()} is true is
 * tried again after the policy's backoff (jitter from the run's seeded {@code retry-jitter} stream), up to its
 * attempts. Each retry is a {@code PROVIDER_CALL_RETRY} event and a pending task of the run, never a sleep, so an
 * abort cancels it. The provider is called, and the callbacks run, without the run's lock held.
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

    /** The run's side of a retry; called with the run's lock held. */
    interface Run {
        boolean ended();

        void record(RunStep step);

        /** Makes {@code retry} the run's one pending task, {@code delay} from now (an abort cancels it). */
        void awaitRetry(Duration delay, Runnable retry);
    }

    private final Object lock;
    private final Run run;
    private final RetryPolicy policy;
    private final SplittableRandom jitter;

    ProviderCalls(Object lock, Run run, RetryPolicy policy, SplittableRandom jitter) {
        this.lock = lock;
        this.run = run;
        this.policy = policy;
        this.jitter = jitter;
    }

    <T> void call(String operation, CallContext context, Supplier<T> call, Success<T> onSuccess, Failure onFailure) {
        call(operation, context, call, 1, onSuccess, onFailure);
    }

    private <T> void call(String operation, CallContext context, Supplier<T> call, int attempt, Success<T> onSuccess,
                          Failure onFailure) {
        T value;
        try {
            value = call.get();
        } catch (ProviderException e) {
            ProviderError error = new ProviderError(e.kind().name(), String.valueOf(e.getMessage()), e.retryable(),
                    e.retryAfter().orElse(null));
            if (error.retryable() && attempt < policy.maxAttempts()) {
                synchronized (lock) {
                    if (!run.ended()) {
                        Duration delay = policy.backoff(attempt, error.retryAfter(), jitter);
                        run.record(new ProviderCallRetry(operation, context.provider(), context.groups(), context.group(),
                                context.instance(), attempt, error.kind(), error.message(), delay));
                        run.awaitRetry(delay, () -> call(operation, context, call, attempt + 1, onSuccess, onFailure));
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
