package dev.macaque.chaosmonkey;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.macaque.audit.AuditLog;
import dev.macaque.schedule.KillScheduleParser;
import dev.macaque.schedule.PlannedKill;
import dev.macaque.schedule.ScheduleCalendar;
import dev.macaque.spi.GroupRef;
import dev.macaque.store.TestDatabases;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/v1/schedules} over real HTTP. */
class ScheduleHttpTest {
    static final Map<String, Object> CLOUD = Map.of("type", "testcloud",
            "groups", "eu-west-1:web:4:true,eu-west-1:db:3:false,us-east-1:api:3:true", "healAfterMillis", "50");
    static final String SCHEDULE = "{\"name\":\"weekday\",\"experiment\":{\"targets\":{\"providers\":[\"tc\"]},"
            + "\"recovery\":{\"timeout\":\"30s\",\"pollInterval\":\"100ms\"},\"seed\":11},\"meanTimeBetweenKills\":\"2d\","
            + "\"window\":{\"from\":\"09:00\",\"to\":\"17:00\",\"zone\":\"Europe/Paris\",\"holidays\":[\"2026-03-04\"]}}";

    @TempDir
    Path home;
    private Node node;
    private String operator;
    private String viewer;

    @BeforeEach
    void start() {
        Map<String, Object> fromConfig = Map.of("name", "from-file", "meanTimeBetweenKills", "5d",
                "experiment", Map.of("targets", Map.of("providers", List.of("tc"))));
        node = Node.start(home, Node.config(TestDatabases.h2(home), Map.of("tc", CLOUD), List.of(fromConfig), "n1", "30s", null, null));
        operator = node.token("oncall", "operator");
        viewer = node.token("dash", "viewer");
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private JsonNode create(String body) {
        HttpResponse<String> created = node.send("POST", "/api/v1/schedules", operator, body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return Node.json(created);
    }

    @Test
    void operatorsCreateReplaceAndDeleteSchedulesAndViewersReadThem() {
        JsonNode created = create(SCHEDULE);
        String id = created.get("id").asText();
        assertThat(created.get("source").asText()).isEqualTo("api");
        assertThat(created.get("seed").asLong()).isEqualTo(11);
        assertThat(created.get("definition").get("window").get("zone").asText()).isEqualTo("Europe/Paris");

        HttpResponse<String> list = node.send("GET", "/api/v1/schedules", viewer, null);
        assertThat(Node.json(list).get("items")).extracting(n -> n.get("name").asText()).containsExactly("from-file", "weekday");

        HttpResponse<String> replaced = node.send("PUT", "/api/v1/schedules/" + id, operator,
                SCHEDULE.replace("\"name\":\"weekday\"", "\"name\":\"weekday\",\"enabled\":false"));
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(Node.json(node.send("GET", "/api/v1/schedules/" + id, viewer, null)).get("enabled").asBoolean()).isFalse();

        assertThat(node.send("DELETE", "/api/v1/schedules/" + id, operator, null).statusCode()).isEqualTo(204);
        assertThat(node.send("GET", "/api/v1/schedules/" + id, viewer, null).statusCode()).isEqualTo(404);

        List<String> actions = node.get(AuditLog.class).list(null, null, 100).stream().map(e -> e.action() + " " + e.target())
                .filter(a -> a.startsWith("schedule.") && a.endsWith(id)).toList();
        assertThat(actions).containsExactly("schedule.delete " + id, "schedule.update " + id, "schedule.create " + id);
    }

    @Test
    void anInvalidScheduleIsAProblemListingEveryBadField() {
        HttpResponse<String> response = node.send("POST", "/api/v1/schedules", operator,
                "{\"name\":\"x\",\"experiment\":{},\"window\":{\"zone\":\"Mars/Olympus\",\"from\":\"18:00\"}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        Node.json(response).get("errors").forEach(e -> fields.add(e.get("field").asText()));
        assertThat(fields).contains("meanTimeBetweenKills", "window.zone");
    }

    @Test
    void viewersMayNotWriteAndNamesAreUnique() {
        assertThat(node.send("POST", "/api/v1/schedules", viewer, SCHEDULE).statusCode()).isEqualTo(403);
        create(SCHEDULE);
        assertThat(node.send("POST", "/api/v1/schedules", operator, SCHEDULE).statusCode()).isEqualTo(409);
    }

    @Test
    void schedulesFromTheConfigurationFileAreSeededAndReadOnlyThroughTheApi() {
        JsonNode fromFile = Node.json(node.send("GET", "/api/v1/schedules", viewer, null)).get("items").get(0);
        assertThat(fromFile.get("source").asText()).isEqualTo("config");
        String id = fromFile.get("id").asText();
        HttpResponse<String> put = node.send("PUT", "/api/v1/schedules/" + id, operator, SCHEDULE);
        assertThat(put.statusCode()).isEqualTo(409);
        assertThat(Node.json(put).get("detail").asText()).contains("configuration file");
        assertThat(node.send("DELETE", "/api/v1/schedules/" + id, operator, null).statusCode()).isEqualTo(409);
    }

    @Test
    void upcomingShowsTheSharedCalendarsPlanForTheOptedInGroups() throws Exception {
        String id = create(SCHEDULE).get("id").asText();
        Instant before = Instant.now();
        JsonNode upcoming = Node.json(node.send("GET", "/api/v1/schedules/" + id + "/upcoming?count=6", viewer, null));

        assertThat(upcoming.get("eligibleGroups")).extracting(JsonNode::toString).hasSize(2);
        List<GroupRef> groups = List.of(new GroupRef("tc", "eu-west-1", "web"), new GroupRef("tc", "us-east-1", "api"));
        List<PlannedKill> expected = new ScheduleCalendar(new KillScheduleParser().parse(SCHEDULE), 11).upcoming(groups, before, 6);
        List<String> got = new ArrayList<>();
        upcoming.get("upcoming").forEach(k -> got.add(k.get("group").asText() + "@" + k.get("plannedAt").asText()));
        assertThat(got).containsExactlyElementsOf(expected.stream().map(k -> k.group() + "@" + k.at()).toList());
        assertThat(node.send("GET", "/api/v1/schedules/" + id + "/upcoming?count=0", viewer, null).statusCode()).isEqualTo(400);
    }
}
