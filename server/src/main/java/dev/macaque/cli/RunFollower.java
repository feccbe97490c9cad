package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The live progress view of {@code --follow}: every event of the run as it is committed (the server-sent event
 * stream), then a summary; and the exit code the run's end means.
 */
final class RunFollower {
    private RunFollower() {
    }

    static void started(PrintWriter out, JsonNode run) {
        out.println("Started run " + run.path("id").asText() + " (" + run.path("name").asText() + "), seed "
                + run.path("seed").asText() + (run.path("dryRun").asBoolean() ? ", dry run" : "")
                + (run.path("leashed").asBoolean() ? " (leashed)" : ""));
        out.flush();
    }

    /** Prints the run's events until it ends, then its summary; answers the exit code. */
    static int follow(ApiClient client, PrintWriter out, String runId) {
        client.stream("/api/v1/experiments/" + runId + "/events", (event, data) -> {
            if (event.equals("end")) {
                return false;
            }
            try {
                out.println(Tables.eventLine(ApiClient.JSON.readTree(data)));
            } catch (IOException e) {
                out.println(event + " " + data);
            }
            out.flush();
            return true;
        });
        JsonNode run = client.get("/api/v1/experiments/" + runId);
        return summary(out, run);
    }

    /**
     * Prints the run's end and answers the exit code its verdict means ({@link ExitCodes#of}): 0 only for PASSED.
     */
    static int summary(PrintWriter out, JsonNode run) {
        for (JsonNode recovery : run.path("recoveries")) {
            if (recovery.path("status").asText().equals("NOT_RECOVERED")) {
                out.println("NOT_RECOVERED  " + recovery.path("group").asText() + "  " + recovery.path("detail").asText());
            }
        }
        String verdict = run.path("verdict").asText("");
        out.println("Run " + run.path("id").asText() + " " + run.path("state").asText() + ": "
                + (verdict.isEmpty() ? "no verdict yet" : verdict + ", " + run.path("verdictReason").asText()));
        out.flush();
        return ExitCodes.of(verdict);
    }
}
