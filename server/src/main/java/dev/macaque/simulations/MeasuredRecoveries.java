package dev.macaque.simulations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.store.Database;
import dev.macaque.text.Durations;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The times to recover this server has measured, per group: the median of the latest {@value #LATEST} recoveries the
 * engine recorded ({@code GROUP_RECOVERED} events), used as a snapshot's boot times. Reads stored events only.
 */
public final class MeasuredRecoveries {
    static final int LATEST = 10_000;

    private final Database database;
    private final ObjectMapper json = new ObjectMapper();

    public MeasuredRecoveries(Database database) {
        this.database = Objects.requireNonNull(database, "database is null");
    }

    /** Of {@code provider}'s groups, by group name (as a snapshot names them), the median measured time to recover. */
    public Map<String, Duration> byGroupName(String provider) {
        Map<String, Duration> byName = new TreeMap<>();
        medianByGroup().forEach((ref, time) -> {
            String[] parts = ref.split("/", 3);
            if (parts.length == 3 && parts[0].equals(provider)) {
                byName.put(parts[2], time);
            }
        });
        return byName;
    }

    /** Per group reference ({@code provider/region/name}), the median measured time to recover. */
    public Map<String, Duration> medianByGroup() {
        Map<String, List<Duration>> all = database.inTransaction(c -> {
            Map<String, List<Duration>> found = new TreeMap<>();
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT data_json FROM run_events WHERE type = 'GROUP_RECOVERED' ORDER BY occurred_at DESC")) {
                select.setMaxRows(LATEST);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        JsonNode data = json.readTree(rs.getString("data_json"));
                        JsonNode group = data.get("group");
                        JsonNode after = data.get("after");
                        if (group != null && after != null) {
                            try {
                                found.computeIfAbsent(group.asText(), g -> new ArrayList<>()).add(Durations.parse(after.asText()));
                            } catch (IllegalArgumentException e) {
                                // an event of another format: not a measurement
                            }
                        }
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a stored event is not JSON: " + e.getMessage(), e);
            }
            return found;
        });
        Map<String, Duration> medians = new TreeMap<>();
        all.forEach((group, times) -> {
            List<Duration> sorted = times.stream().sorted().toList();
            medians.put(group, sorted.get((sorted.size() - 1) / 2));
        });
        return medians;
    }
}
