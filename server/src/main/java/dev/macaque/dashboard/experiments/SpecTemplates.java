package dev.macaque.dashboard.experiments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.macaque.experiments.RunView;
import dev.macaque.templates.StoredTemplate;
import dev.macaque.templates.TemplateStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The experiment templates the New-experiment page starts from ({@code GET /api/v1/templates}'s store). A run started
 * from the page names its template only when it is that template as stored: the same version, and the same spec but
 * for {@code dryRun} and {@code seed} — what {@code POST /api/v1/templates/{name}/runs} lets a run change. An edited
 * spec is a new spec, and the page says so before Start.
 */
public final class SpecTemplates {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

    /** A template as the page's chooser lists it. */
    public record Choice(String name, int version) {
    }

    /** Where the spec in the editor came from: a template's name and version. */
    public record Origin(String name, int version) {
        /** As the form carries it in its hidden fields; null when the spec did not come from a template. */
        static Origin parse(String name, String version) {
            if (name == null || version == null || !NAME.matcher(name).matches() || !version.matches("\\d{1,9}")) {
                return null;
            }
            return new Origin(name, Integer.parseInt(version));
        }
    }

    private final TemplateStore store;
    private final ObjectMapper json;

    public SpecTemplates(TemplateStore store, ObjectMapper json) {
        this.store = Objects.requireNonNull(store, "store is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    public List<Choice> choices() {
        return store.list().stream().map(t -> new Choice(t.name(), t.version())).toList();
    }

    /** The latest version of {@code name}; empty for a name that is not a template (or not a valid name). */
    public Optional<StoredTemplate> latest(String name) {
        return NAME.matcher(name).matches() ? store.latest(name) : Optional.empty();
    }

    /**
     * The template a run of {@code spec} comes from, or null when the spec is no longer {@code origin} as stored (it
     * was edited, or the template has a newer version since it was loaded).
     */
    public RunView.TemplateRef refFor(Origin origin, JsonNode spec) {
        if (origin == null) {
            return null;
        }
        Optional<StoredTemplate> stored = store.latest(origin.name());
        if (stored.isEmpty() || stored.get().version() != origin.version()) {
            return null;
        }
        return sameBarRunOverrides(stored.get().spec(), spec) ? new RunView.TemplateRef(origin.name(), origin.version()) : null;
    }

    /** Compared as JSON text read back, so that 1 written as an int and as a long are the same number. */
    private boolean sameBarRunOverrides(JsonNode template, JsonNode spec) {
        return normalised(template).equals(normalised(spec));
    }

    private JsonNode normalised(JsonNode spec) {
        if (!(spec instanceof ObjectNode object)) {
            return spec;
        }
        ObjectNode copy = object.deepCopy();
        copy.remove("dryRun");
        copy.remove("seed");
        return readBack(json, copy);
    }

    /** A spec written as JSON text and read back: 1 written as an int and as a long become the same number. */
    static JsonNode readBack(ObjectMapper json, JsonNode spec) {
        try {
            return json.readTree(json.writeValueAsString(spec));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
