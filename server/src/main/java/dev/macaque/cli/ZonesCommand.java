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
 * {@code macaque zones}: zone readiness ({@code GET /api/v1/zones}): per zone, the groups it hosts and what its outage
 * would do to each. Exit code 1 when a zone hosts an opted-in group that its outage would take to zero or below its
 * minimum, so that a pipeline can gate on it.
 */
@Command(name = "zones", mixinStandardHelpOptions = true,
        description = "Zone readiness: per zone, the groups it hosts and what its outage would do to each (starts nothing).")
final class ZonesCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--provider", paramLabel = "ID", description = "The provider instance (required when several are configured).")
    String provider;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String query = provider == null ? "" : "?provider=" + ExperimentsCommand.encode(provider);
        JsonNode readiness = client.client().get("/api/v1/zones" + query);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Zone readiness of provider " + readiness.path("provider").asText() + " (read "
                + readiness.path("takenAt").asText() + "; guardrails minHealthyPercent=" + readiness.path("minHealthyPercent").asInt()
                + ", minHealthyInstances=" + readiness.path("minHealthyInstances").asInt() + ")");
        List<List<String>> rows = new ArrayList<>();
        long atRisk = 0;
        for (JsonNode zone : readiness.path("zones")) {
            atRisk += zone.path("singleZone").asLong() + zone.path("belowMinimum").asLong();
            for (JsonNode g : zone.path("groups")) {
                rows.add(List.of(zone.path("region").asText() + "/" + zone.path("zone").asText(), g.path("group").asText(),
                        g.path("inZone").asText() + " of " + g.path("healthy").asText(), g.path("healthyAfter").asText(),
                        g.path("verdict").asText(), g.has("predictedRecoverySeconds")
                                ? Tables.text(g, "predictedRecoverySeconds") + "s" : "-"));
            }
        }
        Tables.print(out, List.of("ZONE", "GROUP", "IN ZONE", "LEFT", "OUTAGE", "PREDICTED RECOVERY"), rows);
        for (JsonNode caveat : readiness.path("caveats")) {
            out.println("note: " + caveat.asText());
        }
        if (atRisk > 0) {
            out.println(dev.macaque.text.Counts.of(atRisk, "opted-in group") + " would be refused by a zone outage: single-zone (a real outage takes them "
                    + "to zero) or below their minimum");
        }
        return atRisk > 0 ? ExitCodes.FAILED : ExitCodes.OK;
    }
}
