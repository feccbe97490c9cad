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
     * 0: completed and every killed group recovered; 1: a finding (not recovered, failed, aborted, not steady, halted by
     * a probe, held by the kill switch or a stop condition).
     */
    static int summary(PrintWriter out, JsonNode run) {
        String state = run.path("state").asText();
        long notRecovered = 0;
        for (JsonNode recovery : run.path("recoveries")) {
            if (recovery.path("status").asText().equals("NOT_RECOVERED")) {
                notRecovered++;
                out.println("NOT_RECOVERED  " + recovery.path("group").asText() + "  " + recovery.path("detail").asText());
            }
        }
        long halts = 0;
        for (JsonNode refusal : run.path("refusals")) {
            String reason = refusal.path("reason").asText();
            // Held by the kill switch or a failing stop condition: the run did not do what was asked.
            if (reason.equals("KILL_SWITCH") || reason.equals("STOP_CONDITION_FAILING")) {
                halts++;
            }
        }
        out.println("Run " + run.path("id").asText() + " " + state + ": " + run.path("victims").size() + " victim(s), "
                + run.path("terminations").size() + " termination(s), " + run.path("refusals").size() + " refused"
                + (notRecovered > 0 ? ", " + notRecovered + " group(s) NOT_RECOVERED" : "")
                + (run.path("failureReason").isTextual() ? "; " + run.path("failureReason").asText() : ""));
        out.flush();
        boolean clean = state.equals("COMPLETED") && notRecovered == 0 && halts == 0;
        return clean ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
