package dev.macaque.simulated.eventlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Objects;

/** Writes each event as one JSON object per line ({@link LoggedEvent#toJson()} + {@code \n}). */
public final class JsonLinesSink implements EventSink, AutoCloseable {
    private final Writer out;

    /** The sink does not buffer; wrap {@code out} in a {@link java.io.BufferedWriter} for files. */
    public JsonLinesSink(Writer out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void accept(LoggedEvent event) {
        try {
            out.write(event.toJson());
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write event log line " + event.seq(), e);
        }
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush event log", e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close event log", e);
        }
    }
}
