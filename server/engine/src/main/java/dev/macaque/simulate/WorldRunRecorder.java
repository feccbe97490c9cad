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

    public WorldRunRecorder(SimulatedWorld world) {
        this.world = Objects.requireNonNull(world, "world is null");
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
    }
}
