package dev.macaque.simulate;

import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunRecorder;
import dev.macaque.simulated.SimulatedWorld;
import dev.macaque.simulated.eventlog.LoggedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the engine's run events into the world's event log as {@code engine.<TYPE>} with the fields {@code run},
 * {@code runSeq}, then the event's own fields in the engine's order, so {@code events.jsonl} holds world and engine
 * events in one order.
 */
public final class WorldRunRecorder implements RunRecorder {
    /** Prefix of engine event types in the world's log. */
    public static final String PREFIX = "engine.";

    private final SimulatedWorld world;
    private final List<TypedListener> listeners;

    /** Hears each engine event, typed, right after it is logged (so in the log's order). */
    @FunctionalInterface
    public interface TypedListener {
        /** @param timeNanos the event's virtual time since the world's start, as the log has it */
        void onRunEvent(RunEvent event, long timeNanos);
    }

    public WorldRunRecorder(SimulatedWorld world, List<TypedListener> listeners) {
        this.world = Objects.requireNonNull(world, "world is null");
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void record(RunEvent event) {
        List<LoggedEvent.Field> fields = new ArrayList<>(event.fields().size() + 2);
        fields.add(new LoggedEvent.Field("run", event.runId()));
        fields.add(new LoggedEvent.Field("runSeq", event.seq()));
        for (Map.Entry<String, String> field : event.fields().entrySet()) {
            fields.add(new LoggedEvent.Field(field.getKey(), field.getValue()));
        }
        world.log(PREFIX + event.type().name(), fields);
        long timeNanos = java.time.Duration.between(world.start(), event.time()).toNanos();
        for (TypedListener listener : listeners) {
            listener.onRunEvent(event, timeNanos);
        }
    }
}
