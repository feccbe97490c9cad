package dev.macaque.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code macaque scorecard}: the server's reliability scorecard (fleet, teams, groups most in need first), as the API
 * gives it: the numbers are the server's, printed as they came.
 */
@Command(name = "scorecard", mixinStandardHelpOptions = true,
        description = "The reliability scorecard: which groups real runs verified, how recently, and how fast they recovered.")
final class ScorecardCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--json", description = "Print the scorecard as the API's JSON.")
    boolean json;

    @Option(names = "--fail-under", paramLabel = "SCORE",
            description = "Exit 1 when the fleet's score is below SCORE (0-100), or when no group is scored: a gate for CI.")
    Double failUnder;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (failUnder != null && (failUnder < 0 || failUnder > 100)) {
            spec.commandLine().getErr().println("macaque: --fail-under must be between 0 and 100, was " + failUnder);
            return ExitCodes.INVALID_INPUT;
        }
        JsonNode card = client.client().get("/api/v1/scorecard");
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(ApiClient.write(card));
        } else {
            print(card, out);
        }
        for (JsonNode error : card.path("errors")) {
            spec.commandLine().getErr().println("macaque: provider " + error.path("provider").asText() + ": " + error.path("error").asText()
                    + " (its groups are missing from the scorecard)");
        }
        JsonNode fleetScore = card.path("fleet").path("score");
        if (failUnder != null && (!fleetScore.isNumber() || fleetScore.asDouble() < failUnder)) {
            spec.commandLine().getErr().println("macaque: fleet score " + (fleetScore.isNumber() ? fleetScore.asText() : "(no group)")
                    + " is below --fail-under " + failUnder);
            return ExitCodes.FAILED;
        }
        return card.path("errors").isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private static void print(JsonNode card, PrintWriter out) {
        JsonNode fleet = card.path("fleet");
        out.println("Fleet score " + Tables.text(fleet, "score") + " over " + fleet.path("groups").asText() + " groups as of "
                + card.path("asOf").asText() + " (VERIFIED within " + card.path("freshness").asText() + "; "
                + fleet.path("openFindings").asText() + " open findings)");
        out.println();
        List<List<String>> teams = new ArrayList<>();
        for (JsonNode t : card.path("teams")) {
            JsonNode s = t.path("statuses");
            teams.add(List.of(t.path("name").isNull() ? "(no " + card.path("groupBy").asText() + " tag)" : t.path("name").asText(),
                    t.path("groups").asText(), Tables.text(t, "score"), s.path("VERIFIED").asText(), s.path("STALE").asText(),
                    s.path("FAILING").asText(), s.path("NEVER").asText()));
        }
        Tables.print(out, List.of("TEAM", "GROUPS", "SCORE", "VERIFIED", "STALE", "FAILING", "NEVER"), teams);
        out.println();
        List<List<String>> groups = new ArrayList<>();
        for (JsonNode g : card.path("groups")) {
            JsonNode v = g.path("lastVerification");
            JsonNode f = g.path("openFinding");
            groups.add(List.of(g.path("id").asText(), g.path("status").asText(), g.path("score").asText(),
                    v.isMissingNode() || v.isNull() ? "-" : v.path("recoveredAt").asText(),
                    v.isMissingNode() || v.isNull() ? "-" : v.path("timeToRecoverSeconds").asText(),
                    Tables.text(g.path("last30Days"), "medianSeconds") + " / " + Tables.text(g.path("last30Days"), "p90Seconds"),
                    g.path("realKills").asText(), f.isMissingNode() || f.isNull() ? "-" : f.path("reason").asText() + " " + f.path("runId").asText()));
        }
        Tables.print(out, List.of("GROUP", "STATUS", "SCORE", "LAST VERIFIED", "TTR S", "MEDIAN/P90 30D S", "REAL KILLS", "OPEN FINDING"),
                groups);
    }
}
