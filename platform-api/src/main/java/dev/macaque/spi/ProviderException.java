package dev.macaque.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one failure type of the SPI. Providers translate every cloud error into one of these kinds so that the
 * engine can decide (retry, record, refuse) without knowing the cloud.
 */
public class ProviderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure; {@link #retryableByDefault()} tells whether a bounded retry makes sense. */
    public enum Kind {
        /** The cloud rate-limited the call. */
        THROTTLED(true),
        /** A passing failure: network error, 5xx, timeout. */
        TRANSIENT(true),
        /** The group or instance does not exist (or the instance is not a member of the group). */
        NOT_FOUND(false),
        /** The credentials lack a permission; the user must fix the policy. */
        PERMISSION_DENIED(false),
        /** The request or the provider's configuration is wrong. */
        INVALID_REQUEST(false),
        /** The resource is busy (a scaling activity or another operation is in progress). */
        CONFLICT(true),
        /** The provider cannot work at all right now (not configured, endpoint unreachable, credentials missing). */
        UNAVAILABLE(true);

        private final boolean retryableByDefault;

        Kind(boolean retryableByDefault) {
            this.retryableByDefault = retryableByDefault;
        }

        public boolean retryableByDefault() {
            return retryableByDefault;
        }
    }

    private final Kind kind;
    private final boolean retryable;
    private final Duration retryAfter;

    public ProviderException(Kind kind, String message) {
        this(kind, message, null);
    }

    public ProviderException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, Objects.requireNonNull(kind, "kind").retryableByDefault(), null);
    }

    /**
     * @param retryAfter how long the cloud asked callers to wait, or {@code null}
     */
    public ProviderException(Kind kind, String message, Throwable cause, boolean retryable, Duration retryAfter) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
