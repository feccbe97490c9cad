package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import dev.macaque.engine.RunEventFields;
import dev.macaque.engine.RunEventText;
import dev.macaque.engine.RunEventType;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How the client commands print what the API answers: aligned tables and one line per event. */
final class Tables {
    private Tables() {
    }

    /** Prints rows under a header, each column as wide as its widest cell. */
    static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        aligned(all).forEach(out::println);
        out.flush();
    }

    /** The rows as lines, each column as wide as its widest cell (the last column unpadded). */
    static List<String> aligned(List<List<String>> rows) {
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s  ", row.get(i)));
            }
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    /** {@code 10:14:03  GROUP_RECOVERED  group=sim/us-east-1/api after=2 s healthyInService=3}. */
    static String eventLine(JsonNode event) {
        String time = event.path("time").asText();
        int t = time.indexOf('T');
        String clock = t >= 0 && time.length() >= t + 9 ? time.substring(t + 1, t + 9) : time;
        StringBuilder line = new StringBuilder(clock).append("  ").append(String.format("%-22s", event.path("type").asText()));
        Map<String, String> stored = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = event.path("fields").fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            stored.put(field.getKey(), field.getValue().asText());
        }
        try {
            // read back through the engine's one mapping, then written as people read it (durations, counts)
            line.append(' ').append(RunEventText.line(RunEventFields.read(RunEventType.valueOf(event.path("type").asText()), stored)));
        } catch (IllegalArgumentException e) {
            // an event type of a newer server: its fields as sent
            stored.forEach((name, value) -> line.append(' ').append(name).append('=').append(value));
        }
        return line.toString().stripTrailing();
    }

    /** An excluded group's cells, for an aligned table: {@code sim/us-east-1/db  NOT_OPTED_IN  not opted in (...)}. */
    static List<String> excludedRow(JsonNode excluded) {
        String where = String.join("/", List.of(excluded.path("provider").asText("-").equals("null") ? "-" : excluded.path("provider").asText("-"),
                text(excluded, "region"), text(excluded, "group")));
        return List.of(where, excluded.path("reason").asText(), excluded.path("detail").asText());
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }
}
