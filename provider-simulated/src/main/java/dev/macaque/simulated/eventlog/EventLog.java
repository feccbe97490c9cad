package dev.macaque.simulated.eventlog;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * The world's single, ordered event log. World events and events of code driven by the world (the experiment
 * engine) go through the same log, so one sequence orders both. Events are built only when a sink listens, so an
 * unobserved world pays nothing but a counter.
 */
public final class EventLog {
    private final LongSupplier virtualNanos;
    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
    private long nextSeq;

    public EventLog(LongSupplier virtualNanos) {
        this.virtualNanos = Objects.requireNonNull(virtualNanos, "virtualNanos");
    }

    public void addSink(EventSink sink) {
        sinks.add(Objects.requireNonNull(sink, "sink"));
    }

    public void removeSink(EventSink sink) {
        sinks.remove(sink);
    }

    /** Whether any sink listens; hot paths skip building events nobody reads (see {@link #skip()}). */
    public boolean hasSinks() {
        return !sinks.isEmpty();
    }

    /**
     * Whether to build the next event: false when no sink listens, in which case the event is counted now (see
     * {@link #skip()}), so a hot path allocates nothing for it and sequence numbers stay the same with or without sinks.
     */
    public boolean wantsNext() {
        if (!sinks.isEmpty()) {
            return true;
        }
        nextSeq++;
        return false;
    }

    /** Counts an event without building it, so that sequence numbers do not depend on who listens. */
    public void skip() {
        nextSeq++;
    }

    /** How many events have been logged. */
    public long count() {
        return nextSeq;
    }

    /**
     * Logs {@code type} with fields given as alternating names and values:
     * {@code log("instance.terminated", "group", "api", "instance", "api-0003")}.
     */
    public void log(String type, Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("fields of " + type + " must be name/value pairs, got "
                    + namesAndValues.length + " items");
        }
        long seq = nextSeq++;
        if (sinks.isEmpty()) {
            return;
        }
        List<LoggedEvent.Field> fields = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new LoggedEvent.Field(String.valueOf(namesAndValues[i]), namesAndValues[i + 1]));
        }
        publish(new LoggedEvent(seq, virtualNanos.getAsLong(), type, fields));
    }

    /** Logs {@code type} with {@code fields} in their list order. */
    public void log(String type, List<LoggedEvent.Field> fields) {
        long seq = nextSeq++;
        if (!sinks.isEmpty()) {
            publish(new LoggedEvent(seq, virtualNanos.getAsLong(), type, fields));
        }
    }

    private void publish(LoggedEvent event) {
        for (EventSink sink : sinks) {
            sink.accept(event);
        }
    }
}
