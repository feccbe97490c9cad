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

/** {@code macaque groups}: the VM groups a server's providers list, with opt-in, weight and health. */
@Command(name = "groups", mixinStandardHelpOptions = true, description = "The VM groups the server's providers list.")
final class GroupsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--provider", paramLabel = "ID", description = "Only this provider instance.")
    String provider;

    @Option(names = "--region", paramLabel = "REGION", description = "Only this region.")
    String region;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        StringBuilder query = new StringBuilder("?limit=500");
        if (provider != null) {
            query.append("&provider=").append(ExperimentsCommand.encode(provider));
        }
        if (region != null) {
            query.append("&region=").append(ExperimentsCommand.encode(region));
        }
        JsonNode page = client.client().get("/api/v1/groups" + query);
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode g : page.path("items")) {
            rows.add(List.of(g.path("id").asText(), g.path("optedIn").asBoolean() ? "yes" : "no", Tables.text(g, "weight"),
                    Tables.text(g, "healthyInService") + "/" + g.path("desiredCapacity").asText()));
        }
        PrintWriter out = spec.commandLine().getOut();
        Tables.print(out, List.of("GROUP", "OPTED-IN", "WEIGHT", "HEALTHY"), rows);
        for (JsonNode error : page.path("errors")) {
            spec.commandLine().getErr().println("macaque: provider " + error.path("provider").asText() + ": " + error.path("kind").asText()
                    + " " + error.path("error").asText());
        }
        return page.path("errors").isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
