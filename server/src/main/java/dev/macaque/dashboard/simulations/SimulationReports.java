package dev.macaque.dashboard.simulations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The reports of {@code macaque simulate} runs found in one folder: every sub-folder (up to two levels down) that
 * holds a {@code report.json}, newest first. Reports are read as {@code ReportJson} writes them; a report that cannot
 * be read is listed with the reason. At most {@link #MAX_REPORTS} are listed and reports over {@link #MAX_REPORT_BYTES}
 * are not parsed.
 */
public final class SimulationReports {
    public static final int MAX_REPORTS = 200;
    public static final long MAX_REPORT_BYTES = 8L * 1024 * 1024;

    private final Path directory;
    private final ObjectMapper json;

    public SimulationReports(Path directory, ObjectMapper json) {
        this.directory = Objects.requireNonNull(directory, "directory is null");
        this.json = Objects.requireNonNull(json, "json is null");
    }

    /**
     * One report folder.
     *
     * @param id      names the folder in URLs (its path under the directory, encoded); only listed folders are ever read
     * @param problem why the report could not be read, or null
     */
    public record Report(String id, String folder, FileTime modified, String scenario, Long seed, String duration, Boolean passed,
            int hypotheses, int hypothesesHeld, boolean hasHtml, String problem) {
    }

    public record Hypothesis(String expression, String value, boolean passed, String note) {
    }

    public record Service(String name, String availability) {
    }

    public record Group(String name, int kills, int refusals, String recoveryP50, String recoveryMax, int notRecovered) {
    }

    public record Details(Report report, List<Hypothesis> hypotheses, List<Service> services, List<Group> groups, int kills, int runs) {
    }

    public Path directory() {
        return directory;
    }

    /** What the folder holds now; an absent folder holds nothing. */
    public List<Report> list() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        List<Path> folders = new ArrayList<>();
        try (Stream<Path> files = Files.find(directory, 3, (path, attributes) -> attributes.isRegularFile()
                && path.getFileName().toString().equals("report.json"))) {
            files.limit(MAX_REPORTS).forEach(file -> folders.add(file.getParent()));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalStateException("cannot list the simulation reports in " + directory + ": " + e.getMessage(), e);
        }
        return folders.stream().map(this::summary).sorted(Comparator.comparing(Report::modified).reversed()).toList();
    }

    public Optional<Details> details(String id) {
        return find(id).map(folder -> {
            Report report = summary(folder);
            JsonNode root = read(folder).orElse(json.createObjectNode());
            List<Hypothesis> hypotheses = new ArrayList<>();
            root.path("hypotheses").forEach(h -> hypotheses.add(new Hypothesis(h.path("expression").asText(), number(h.path("value")),
                    h.path("passed").asBoolean(), h.path("note").asText(""))));
            List<Service> services = new ArrayList<>();
            fields(root.path("services")).forEachRemaining(e -> services.add(new Service(e.getKey(), number(e.getValue().path("availability")))));
            List<Group> groups = new ArrayList<>();
            fields(root.path("groups")).forEachRemaining(e -> {
                JsonNode g = e.getValue();
                groups.add(new Group(e.getKey(), g.path("kills").asInt(), g.path("refusals").asInt(),
                        number(g.path("recoverySeconds").path("p50")), number(g.path("recoverySeconds").path("max")),
                        g.path("notRecovered").asInt()));
            });
            return new Details(report, hypotheses, services, groups, root.path("kills").size(), root.path("runs").size());
        });
    }

    /** The report's own HTML page, when it has one. */
    public Optional<Path> html(String id) {
        return find(id).map(folder -> folder.resolve("report.html")).filter(Files::isRegularFile);
    }

    private Optional<Path> find(String id) {
        return list().stream().filter(r -> r.id().equals(id)).findFirst().map(r -> directory.resolve(r.folder()));
    }

    private Report summary(Path folder) {
        String relative = directory.relativize(folder).toString().replace('\\', '/');
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(relative.getBytes(StandardCharsets.UTF_8));
        FileTime modified;
        try {
            modified = Files.getLastModifiedTime(folder.resolve("report.json"));
        } catch (IOException e) {
            modified = FileTime.fromMillis(0);
        }
        boolean html = Files.isRegularFile(folder.resolve("report.html"));
        Optional<JsonNode> root;
        try {
            root = read(folder);
        } catch (IllegalStateException e) {
            return new Report(id, relative, modified, relative, null, null, null, 0, 0, html, e.getMessage());
        }
        JsonNode r = root.orElseThrow();
        int held = 0;
        for (JsonNode h : r.path("hypotheses")) {
            held += h.path("passed").asBoolean() ? 1 : 0;
        }
        return new Report(id, relative, modified, r.path("scenario").asText(relative), r.has("seed") ? r.path("seed").asLong() : null,
                r.path("duration").asText(null), r.has("passed") ? r.path("passed").asBoolean() : null, r.path("hypotheses").size(), held,
                html, null);
    }

    private Optional<JsonNode> read(Path folder) {
        Path file = folder.resolve("report.json");
        try {
            if (Files.size(file) > MAX_REPORT_BYTES) {
                throw new IllegalStateException("report.json is larger than " + MAX_REPORT_BYTES / (1024 * 1024) + " MiB; not read");
            }
            return Optional.of(json.readTree(file.toFile()));
        } catch (IOException e) {
            throw new IllegalStateException("report.json is not readable JSON: " + e.getMessage(), e);
        }
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        return node.isObject() ? node.fields() : java.util.Collections.emptyIterator();
    }

    private static String number(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? "–" : node.asText();
    }
}
