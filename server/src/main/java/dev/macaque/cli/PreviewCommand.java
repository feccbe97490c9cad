package dev.macaque.cli;

import dev.macaque.text.Counts;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code macaque preview SPEC}: what a run of the spec would do now, without starting it. */
@Command(name = "preview", mixinStandardHelpOptions = true,
        description = {"Show what a run of the spec would do now: eligible and excluded groups (with reasons), the victims "
            + "its seed picks and the guardrail refusals. Starts nothing.",
            "Exit codes: 0 something is eligible, 2 bad input or nothing eligible, 3 server unreachable or token refused."})
final class PreviewCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "SPEC", description = "The experiment spec, a .json or .yaml file.")
    Path spec;

    @Option(names = "--seed", paramLabel = "N", description = "The seed to preview (a run with it picks the same victims).")
    Long seed;

    @Option(names = "--dry-run", description = "Preview it as a dry run.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec command;

    @Override
    public Integer call() {
        JsonNode preview = client.client().post("/api/v1/experiments/preview", SpecFiles.override(SpecFiles.read(spec), dryRun, seed));
        PrintWriter out = command.commandLine().getOut();
        out.println("Seed " + preview.path("seed").asText() + (preview.path("dryRun").asBoolean() ? ", dry run" : "")
                + ": " + Counts.of(preview.path("eligible").size(), "eligible group") + ", "
                + Counts.of(preview.path("eligibleInstances").asLong(), "instance"));
        List<List<String>> eligible = new ArrayList<>();
        for (JsonNode g : preview.path("eligible")) {
            eligible.add(List.of(g.path("provider").asText() + "/" + g.path("region").asText() + "/" + g.path("group").asText(),
                    g.path("weight").asText(), g.path("healthy").asText() + "/" + g.path("desired").asText()));
        }
        if (!eligible.isEmpty()) {
            out.println();
            Tables.print(out, List.of("ELIGIBLE", "WEIGHT", "HEALTHY"), eligible);
        }
        if (preview.path("excluded").size() > 0) {
            out.println();
            List<List<String>> excluded = new ArrayList<>();
            for (JsonNode e : preview.path("excluded")) {
                String where = Tables.text(e, "provider") + "/" + Tables.text(e, "region") + "/" + Tables.text(e, "group");
                excluded.add(List.of(where, e.path("reason").asText(), e.path("detail").asText()));
            }
            Tables.print(out, List.of("EXCLUDED", "REASON", "DETAIL"), excluded);
        }
        out.println();
        for (JsonNode v : preview.path("victims")) {
            out.println("VICTIM   " + v.path("group").asText() + "/" + v.path("instanceId").asText());
        }
        for (JsonNode r : preview.path("refusals")) {
            out.println("REFUSED  " + r.path("group").asText() + "/" + r.path("instanceId").asText() + "  " + r.path("reason").asText()
                    + "  " + r.path("message").asText());
        }
        out.flush();
        if (preview.path("eligible").isEmpty()) {
            command.commandLine().getErr().println("macaque: no group is eligible: a run of this spec would be refused");
            return ExitCodes.REFUSED;
        }
        return ExitCodes.OK;
    }
}
