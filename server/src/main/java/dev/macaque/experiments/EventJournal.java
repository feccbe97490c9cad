package dev.macaque.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.engine.RunEvent;
import dev.macaque.engine.RunEventType;
import dev.macaque.store.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The {@code run_events} table: each run's events in sequence order, their fields in {@code RunEventFields}' form. */
final class EventJournal {
    private static final TypeReference<LinkedHashMap<String, String>> FIELDS = new TypeReference<>() {
    };

    private final ObjectMapper json;

    EventJournal(ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json is null");
    }

    void append(Connection c, RunEvent event) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO run_events (run_id, seq, occurred_at, type, data_json) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, event.runId());
            insert.setLong(2, event.seq());
            Sql.setInstant(insert, 3, event.time());
            insert.setString(4, event.type().name());
            insert.setString(5, write(event.fields()));
            insert.executeUpdate();
        }
    }

    /** Events with a sequence number above {@code afterSeq}, in order. */
    List<RunEvent> after(Connection c, String runId, long afterSeq) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(
                "SELECT * FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq")) {
            select.setString(1, runId);
            select.setLong(2, afterSeq);
            List<RunEvent> events = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    events.add(new RunEvent(runId, rs.getLong("seq"), Sql.instant(rs, "occurred_at"),
                            RunEventType.valueOf(rs.getString("type")), read(rs.getString("data_json"))));
                }
            }
            return events;
        }
    }

    /** The sequence number the run's next event takes (events written by the store itself, not by its engine). */
    static long nextSeq(Connection c, String runId) throws SQLException {
        try (PreparedStatement max = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM run_events WHERE run_id = ?")) {
            max.setString(1, runId);
            try (ResultSet rs = max.executeQuery()) {
                rs.next();
                return rs.getLong(1) + 1;
            }
        }
    }

    /** {@code value} as JSON (the event fields here, the run's view for the runs table). */
    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    private Map<String, String> read(String fields) {
        try {
            return json.readValue(fields, FIELDS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored event fields are not JSON: " + fields, e);
        }
    }
}
