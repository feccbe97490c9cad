package dev.macaque.simulated.eventlog;

/** Receives every event the world logs, in log order, on the world's thread. */
@FunctionalInterface
public interface EventSink {
    void accept(LoggedEvent event);
}
