package dev.macaque.simulate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.macaque.text.Durations;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.RunSummary;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulated.eventlog.LoggedEvent;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code report.json}: keys in a fixed order, numbers as exact decimals rounded to 15 significant digits (the event
 * log's format, independent of the JVM's {@code Double.toString}), {@code \n} line ends, so the same run gives the
 * same bytes anywhere. Values that are not numbers (no kills to measure, a recovery that never happened) are
 * {@code null}.
 */
public final class ReportJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private ReportJson() {
    }

    public static String write(SimulationReport report) {
        ObjectNode root = NODES.objectNode();
        root.put("scenario", report.scenario());
        root.put("file", Path.of(report.source()).getFileName().toString());
        root.put("seed", report.seed());
        root.put("start", report.start().toString());
        root.put("duration", Durations.format(report.duration()));
        root.put("events", report.events());
        root.put("passed", report.allHypothesesHold());
        ObjectNode services = root.putObject("services");
        for (ServiceReport service : report.services()) {
            ObjectNode node = services.putObject(service.name());
            number(node, "availability", service.availability());
            node.put("group", service.group());
            number(node, "offeredRequests", service.offeredRequests());
            number(node, "servedRequests", service.servedRequests());
        }
        ObjectNode groups = root.putObject("groups");
        for (GroupReport group : report.groups()) {
            ObjectNode node = groups.putObject(group.name());
            node.put("desired", group.desired());
            node.put("kills", group.kills());
            node.put("refusals", group.refusals());
            ObjectNode recovery = node.putObject("recoverySeconds");
            number(recovery, "p50", group.recovery().p50());
            number(recovery, "p95", group.recovery().p95());
            number(recovery, "max", group.recovery().max());
            node.put("notRecovered", group.engineNotRecovered());
            node.put("stillDegradedAtEnd", group.stillDegradedAtEnd());
            ObjectNode engine = node.putObject("engine");
            engine.put("recovered", group.engineRecovered());
            engine.put("notRecovered", group.engineNotRecovered());
            engine.put("pending", group.enginePending());
            node.put("degradedEpisodes", group.episodes().size());
        }
        ArrayNode kills = root.putArray("kills");
        for (KillRecord kill : report.kills()) {
            ObjectNode node = kills.addObject();
            node.put("run", kill.run());
            node.put("group", kill.group());
            node.put("instance", kill.instance());
            number(node, "atSeconds", seconds(kill.at()));
            number(node, "recoverySeconds", kill.recoverySeconds());
            node.put("engineVerdict", kill.engineVerdict());
            number(node, "engineSeconds", kill.engineRecovery().map(ReportJson::seconds).orElse(Double.NaN));
        }
        ArrayNode refusals = root.putArray("refusals");
        for (RefusalRecord refusal : report.refusals()) {
            ObjectNode node = refusals.addObject();
            node.put("run", refusal.run());
            node.put("group", refusal.group());
            node.put("instance", refusal.instance());
            number(node, "atSeconds", seconds(refusal.at()));
            node.put("reason", refusal.reason());
        }
        ArrayNode runs = root.putArray("runs");
        for (RunSummary run : report.runs()) {
            ObjectNode node = runs.addObject();
            node.put("run", run.run());
            node.put("entry", run.entry());
            node.put("experiment", run.experiment());
            number(node, "startedAtSeconds", seconds(run.startedAt()));
            node.put("state", run.state());
        }
        ArrayNode hypotheses = root.putArray("hypotheses");
        for (HypothesisResult result : report.hypotheses()) {
            ObjectNode node = hypotheses.addObject();
            node.put("expression", result.expression().text());
            node.put("line", result.expression().line());
            number(node, "value", result.value());
            node.put("passed", result.passed());
            if (!result.note().isEmpty()) {
                node.put("note", result.note());
            }
        }
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withoutSpacesInObjectEntries()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"));
        try {
            return MAPPER.writer(printer).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write the report as JSON", e);
        }
    }

    static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static void number(ObjectNode node, String key, double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            node.putNull(key);
        } else {
            node.put(key, new BigDecimal(LoggedEvent.formatNumber(value)));
        }
    }
}
