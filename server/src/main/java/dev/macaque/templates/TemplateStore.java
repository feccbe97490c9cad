package dev.macaque.templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.store.Database;
import dev.macaque.store.Sql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Templates in the database. Every put adds a version (the highest plus one, in one transaction: two nodes putting
 * at once collide on the primary key and one of them fails rather than both getting the same number).
 */
public final class TemplateStore {
    /** Templates a list answers at most. */
    public static final int MAX_LISTED = 500;

    private final Database database;
    private final ObjectMapper json;

    public TemplateStore(Database database, ObjectMapper json) {
        this.database = Objects.requireNonNull(database, "database is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    /** Adds the next version of {@code name} (1 for a new or deleted-then-recreated name continues the numbering). */
    public StoredTemplate put(String name, JsonNode spec, String createdBy, Instant now) {
        return database.inTransaction(c -> {
            int next = 1;
            try (PreparedStatement max = c.prepareStatement("SELECT MAX(version) FROM experiment_templates WHERE name = ?")) {
                max.setString(1, name);
                try (ResultSet rs = max.executeQuery()) {
                    if (rs.next() && rs.getObject(1) != null) {
                        next = rs.getInt(1) + 1;
                    }
                }
            }
            try (PreparedStatement revive = c.prepareStatement("UPDATE experiment_templates SET deleted = FALSE WHERE name = ?")) {
                revive.setString(1, name);
                revive.executeUpdate();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO experiment_templates (name, version, spec_json, "
                    + "created_by, created_at, deleted) VALUES (?, ?, ?, ?, ?, FALSE)")) {
                insert.setString(1, name);
                insert.setInt(2, next);
                insert.setString(3, write(spec));
                insert.setString(4, createdBy);
                Sql.setInstant(insert, 5, now);
                insert.executeUpdate();
            }
            return new StoredTemplate(name, next, spec, createdBy, now);
        });
    }

    /** The latest version of a template that is not deleted. */
    public Optional<StoredTemplate> latest(String name) {
        return database.inTransaction(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT * FROM experiment_templates WHERE name = ? AND deleted = FALSE "
                    + "ORDER BY version DESC")) {
                select.setString(1, name);
                select.setMaxRows(1);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? Optional.of(row(rs)) : Optional.<StoredTemplate>empty();
                }
            }
        });
    }

    /** The latest version of every template that is not deleted, by name; at most {@link #MAX_LISTED}. */
    public List<StoredTemplate> list() {
        return database.inTransaction(c -> {
            List<StoredTemplate> out = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT t.* FROM experiment_templates t WHERE t.deleted = FALSE AND "
                    + "t.version = (SELECT MAX(v.version) FROM experiment_templates v WHERE v.name = t.name) ORDER BY t.name")) {
                select.setMaxRows(MAX_LISTED);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        out.add(row(rs));
                    }
                }
            }
            return out;
        });
    }

    /** Marks every version deleted; false when there was no such template. */
    public boolean delete(String name) {
        return database.inTransaction(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE experiment_templates SET deleted = TRUE WHERE name = ? "
                    + "AND deleted = FALSE")) {
                update.setString(1, name);
                return update.executeUpdate() > 0;
            }
        });
    }

    private StoredTemplate row(ResultSet rs) throws SQLException {
        try {
            return new StoredTemplate(rs.getString("name"), rs.getInt("version"), json.readTree(rs.getString("spec_json")),
                    rs.getString("created_by"), Sql.instant(rs, "created_at"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored template " + rs.getString("name") + " is not JSON", e);
        }
    }

    private String write(JsonNode spec) {
        try {
            return json.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
