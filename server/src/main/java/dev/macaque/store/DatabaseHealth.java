package dev.macaque.store;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the database can commit a write now, from a real write ({@link Database#probeWrite()}) cached for
 * {@link #FRESH_FOR}: readiness and the API ask on every request, the database sees at most about one probe a second.
 * One caller probes at a time; the others get the last answer meanwhile, so that a slow database never piles up
 * request threads here. A failed probe also asks the pool to replace its connections, so that the server recovers by
 * itself once the database can write again.
 */
public final class DatabaseHealth {
    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);
    /** How long a probe's answer is reused. */
    public static final Duration FRESH_FOR = Duration.ofSeconds(1);

    /** The last probe's answer. {@code reason} says why the database cannot write; empty when it can. */
    public record Status(boolean writable, String reason) {
        public static final Status UNKNOWN = new Status(true, "");
    }

    private record Probed(Status status, long atNanos) {
    }

    private final Database database;
    private final LongSupplier nanoTime;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Probed last;

    public DatabaseHealth(Database database) {
        this(database, System::nanoTime);
    }

    DatabaseHealth(Database database, LongSupplier nanoTime) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime is null");
    }

    /** The current answer: probed now when the last one is older than {@link #FRESH_FOR} and nobody else is probing. */
    public Status status() {
        Probed seen = last;
        if (seen != null && nanoTime.getAsLong() - seen.atNanos() < FRESH_FOR.toNanos()) {
            return seen.status();
        }
        if (!probing.tryLock()) {
            return seen == null ? Status.UNKNOWN : seen.status();
        }
        try {
            Probed again = last;
            if (again != seen) {
                return again.status(); // another caller probed while this one waited for the lock
            }
            Status status = probe();
            if (seen != null && seen.status().writable() != status.writable()) {
                if (status.writable()) {
                    log.warn("The database can write again; the API accepts calls and runs go on");
                } else {
                    log.error("The database cannot write ({}); the API answers 503 and runs hold their next termination until it can",
                            status.reason());
                }
            }
            last = new Probed(status, nanoTime.getAsLong());
            return status;
        } finally {
            probing.unlock();
        }
    }

    public boolean writable() {
        return status().writable();
    }

    /** A store operation failed: the next {@link #status()} probes again instead of trusting the cached answer. */
    public void suspect() {
        Probed seen = last;
        if (seen != null) {
            last = new Probed(seen.status(), seen.atNanos() - FRESH_FOR.toNanos());
        }
    }

    private Status probe() {
        try {
            database.probeWrite();
            return new Status(true, "");
        } catch (StoreException e) {
            database.renewConnections();
            return new Status(false, e.getMessage());
        }
    }
}
