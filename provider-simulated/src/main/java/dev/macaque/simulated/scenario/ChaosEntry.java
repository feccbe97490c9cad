package dev.macaque.simulated.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One entry of the scenario's {@code chaos} list, kept raw: the experiment engine parses and validates it.
 *
 * @param node the entry as written (an object)
 * @param line 1-based line of the entry in the scenario file
 */
public record ChaosEntry(JsonNode node, int line) {
    public ChaosEntry {
        node = Objects.requireNonNull(node, "node").deepCopy();
    }

    /** A copy of the entry, so callers cannot change the scenario through it. */
    @Override
    public JsonNode node() {
        return node.deepCopy();
    }
}
