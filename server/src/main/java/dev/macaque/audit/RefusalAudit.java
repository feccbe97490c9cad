package dev.macaque.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Refused unauthenticated calls, audited as one entry per source address and minute with a count, instead of one row
 * per call: a flood of such calls costs a bounded number of rows, not disk. Counts are kept in memory until their
 * minute has ended, then written by {@link #flush(boolean)} (every few seconds, and at shutdown).
 */
public final class RefusalAudit {
    /** Distinct sources counted per minute; beyond that, calls are counted under {@link #OTHER_SOURCES}. */
    static final int MAX_SOURCES = 10_000;
    static final String OTHER_SOURCES = "(other sources)";

    private record Key(String source, Instant minute) {
    }

    private static final class Tally {
        long refused;
        long rateLimited;
        String lastDetail;
        String lastRequest;
    }

    private final AuditLog audit;
    private final Clock clock;
    private final Map<Key, Tally> tallies = new LinkedHashMap<>();

    public RefusalAudit(AuditLog audit, Clock clock) {
        this.audit = Objects.requireNonNull(audit, "audit is null");
        this.clock = Objects.requireNonNull(clock, "clock is null");
    }

    /** One call from {@code source} refused with 401 ({@code detail} says why) or, when {@code rateLimited}, with 429. */
    public void count(String source, String request, String detail, boolean rateLimited) {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        synchronized (tallies) {
            Key key = new Key(source, minute);
            if (!tallies.containsKey(key) && tallies.size() >= MAX_SOURCES) {
                key = new Key(OTHER_SOURCES, minute);
            }
            Tally tally = tallies.computeIfAbsent(key, k -> new Tally());
            if (rateLimited) {
                tally.rateLimited++;
            } else {
                tally.refused++;
                tally.lastDetail = detail;
                tally.lastRequest = request;
            }
        }
    }

    /** Writes the counts of minutes that have ended; with {@code everything}, the current minute's too (shutdown). */
    public void flush(boolean everything) {
        Instant current = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        List<Map.Entry<Key, Tally>> due = new ArrayList<>();
        synchronized (tallies) {
            for (var it = tallies.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (everything || entry.getKey().minute().isBefore(current)) {
                    due.add(entry);
                    it.remove();
                }
            }
        }
        for (int i = 0; i < due.size(); i++) {
            var entry = due.get(i);
            try {
                write(entry.getKey(), entry.getValue());
            } catch (RuntimeException e) {
                // the database cannot write now: keep the counts for the next flush rather than lose them
                synchronized (tallies) {
                    due.subList(i, due.size()).forEach(left -> tallies.merge(left.getKey(), left.getValue(), RefusalAudit::merge));
                }
                throw e;
            }
        }
    }

    private static Tally merge(Tally a, Tally b) {
        a.refused += b.refused;
        a.rateLimited += b.rateLimited;
        if (b.lastRequest != null) {
            a.lastRequest = b.lastRequest;
            a.lastDetail = b.lastDetail;
        }
        return a;
    }

    private void write(Key key, Tally tally) {
        long total = tally.refused + tally.rateLimited;
        audit.record("anonymous", null, "auth.unauthenticated", "minute " + key.minute(), key.source(), "unauthenticated",
                "count=" + total + " refused=" + tally.refused + " rateLimited=" + tally.rateLimited
                        + (tally.lastRequest == null ? "" : "; last: " + tally.lastRequest + ": " + tally.lastDetail));
    }
}
