package dev.macaque.simulate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.macaque.simulate.Incident.RootCause;
import dev.macaque.simulate.SimulationReport.GroupReport;
import dev.macaque.simulate.SimulationReport.RunSummary;
import dev.macaque.simulate.SimulationReport.ScheduleSummary;
import dev.macaque.simulate.SimulationReport.ServiceReport;
import dev.macaque.simulated.eventlog.LoggedEvent;
import dev.macaque.text.Durations;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code report.json}: keys in a fixed order, numbers as exact decimals rounded to 15 significant digits (the event
 * log's format, independent of the JVM's {@code Double.toString}), {@code \n} line ends, so the same run gives the
 * same bytes anywhere. Values that are not numbers (no kills to measure, a recovery that never happened) are
 * {@code null}. Written as a stream, so a report of hundreds of thousands of kills needs no tree in memory.
 */
public final class ReportJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private ReportJson() {
    }

    public static String write(SimulationReport report) {
        StringWriter out = new StringWriter(1 << 14);
        write(report, out);
        return out.toString();
    }

    /** Writes the report to {@code out} (not closed). */
    public static void write(SimulationReport report, Writer out) {
        try (JsonGenerator json = generator(out)) {
            body(report, json);
            json.flush();
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report as JSON", e);
        }
    }

    private static void body(SimulationReport report, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("scenario", report.scenario());
        json.writeStringField("file", Path.of(report.source()).getFileName().toString());
        json.writeNumberField("seed", report.seed());
        json.writeStringField("start", report.start().toString());
        json.writeStringField("duration", Durations.format(report.duration()));
        json.writeNumberField("events", report.events());
        json.writeBooleanField("passed", report.allHypothesesHold());
        json.writeObjectFieldStart("services");
        for (ServiceReport service : report.services()) {
            json.writeObjectFieldStart(service.name());
            number(json, "availability", service.availability());
            json.writeStringField("group", service.group());
            number(json, "offeredRequests", service.offeredRequests());
            number(json, "servedRequests", service.servedRequests());
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeObjectFieldStart("groups");
        for (GroupReport group : report.groups()) {
            json.writeObjectFieldStart(group.name());
            json.writeNumberField("desired", group.desired());
            json.writeNumberField("kills", group.kills());
            json.writeNumberField("refusals", group.refusals());
            json.writeObjectFieldStart("recoverySeconds");
            number(json, "p50", group.recovery().p50());
            number(json, "p95", group.recovery().p95());
            number(json, "max", group.recovery().max());
            json.writeEndObject();
            json.writeNumberField("notRecovered", group.engineNotRecovered());
            json.writeNumberField("stillDegradedAtEnd", group.stillDegradedAtEnd());
            json.writeObjectFieldStart("engine");
            json.writeNumberField("recovered", group.engineRecovered());
            json.writeNumberField("notRecovered", group.engineNotRecovered());
            json.writeNumberField("pending", group.enginePending());
            json.writeEndObject();
            json.writeNumberField("degradedEpisodes", group.episodes().size());
            json.writeEndObject();
        }
        json.writeEndObject();
        incidents(report, json);
        json.writeArrayFieldStart("kills");
        for (KillRecord kill : report.kills()) {
            json.writeStartObject();
            json.writeStringField("run", kill.run());
            json.writeStringField("group", kill.group());
            json.writeStringField("instance", kill.instance());
            number(json, "atSeconds", seconds(kill.at()));
            number(json, "recoverySeconds", kill.recoverySeconds());
            json.writeStringField("engineVerdict", kill.engineVerdict());
            number(json, "engineSeconds", kill.engineRecovery().map(ReportJson::seconds).orElse(Double.NaN));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("refusals");
        for (RefusalRecord refusal : report.refusals()) {
            json.writeStartObject();
            json.writeStringField("run", refusal.run());
            json.writeStringField("group", refusal.group());
            json.writeStringField("instance", refusal.instance());
            number(json, "atSeconds", seconds(refusal.at()));
            json.writeStringField("reason", refusal.reason());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("schedules");
        for (ScheduleSummary schedule : report.schedules()) {
            json.writeStartObject();
            json.writeNumberField("entry", schedule.entry());
            json.writeStringField("name", schedule.name());
            json.writeStringField("window", ReportText.window(schedule.window()));
            json.writeNumberField("groups", schedule.groups());
            json.writeNumberField("kills", schedule.kills());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("runs");
        for (RunSummary run : report.runs()) {
            json.writeStartObject();
            json.writeStringField("run", run.run());
            json.writeNumberField("entry", run.entry());
            json.writeStringField("experiment", run.experiment());
            number(json, "startedAtSeconds", seconds(run.startedAt()));
            json.writeStringField("state", run.state());
            json.writeNumberField("victims", run.victims());
            json.writeNumberField("refusals", run.refusals());
            if (!run.note().isEmpty()) {
                json.writeStringField("note", run.note());
            }
            if (run.zone() != null) {
                json.writeStringField("zone", run.zone());
                json.writeArrayFieldStart("zoneRefusals");
                for (String refusal : run.zoneRefusals()) {
                    json.writeString(refusal);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        if (!report.steadyState().isEmpty()) {
            steadyState(report.steadyState(), json);
        }
        json.writeArrayFieldStart("hypotheses");
        for (HypothesisResult result : report.hypotheses()) {
            json.writeStartObject();
            json.writeStringField("expression", result.expression().text());
            json.writeNumberField("line", result.expression().line());
            number(json, "value", result.value());
            json.writeBooleanField("passed", result.passed());
            if (!result.note().isEmpty()) {
                json.writeStringField("note", result.note());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** Written only when an experiment had probes, so reports without them stay as they were. */
    private static void steadyState(SteadyStateReport steady, JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("steadyState");
        json.writeArrayFieldStart("runs");
        for (SteadyStateReport.ProbeTimeline run : steady.runs()) {
            json.writeStartObject();
            json.writeStringField("run", run.run());
            json.writeStringField("experiment", run.experiment());
            json.writeStringField("state", run.state());
            if (run.haltedBy() != null) {
                number(json, "stoppedAtSeconds", seconds(run.haltedAt()));
                json.writeStringField("stoppedBy", run.haltedBy());
                json.writeStringField("observed", run.observed());
            }
            json.writeNumberField("spared", run.spared());
            json.writeArrayFieldStart("evaluations");
            for (SteadyStateReport.Evaluation e : run.evaluations()) {
                json.writeStartObject();
                number(json, "atSeconds", seconds(e.at()));
                json.writeStringField("probe", e.probe());
                json.writeStringField("phase", e.phase());
                json.writeBooleanField("passed", e.passed());
                json.writeStringField("observed", e.observed());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (run.omitted() > 0) {
                json.writeNumberField("evaluationsOmitted", run.omitted());
            }
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("comparison");
        for (SteadyStateReport.Comparison c : steady.comparison()) {
            json.writeStartObject();
            json.writeStringField("service", c.service());
            number(json, "availability", c.availabilityPercent());
            number(json, "availabilityWithoutProbes", c.availabilityWithoutProbes());
            number(json, "unservedRequests", c.unservedRequests());
            number(json, "unservedRequestsWithoutProbes", c.unservedWithoutProbes());
            number(json, "unservedRequestsAvoided", c.avoidedUnservedRequests());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void incidents(SimulationReport report, JsonGenerator json) throws IOException {
        Instant start = report.start();
        json.writeArrayFieldStart("incidents");
        for (Incident incident : report.incidents()) {
            json.writeStartObject();
            json.writeStringField("service", incident.service());
            json.writeStringField("start", start.plus(incident.start()).toString());
            if (incident.end().isPresent()) {
                json.writeStringField("end", start.plus(incident.end().get()).toString());
            } else {
                json.writeNullField("end");
            }
            number(json, "unservedPercent", incident.unservedPercent());
            if (incident.rootCause().isPresent()) {
                RootCause cause = incident.rootCause().get();
                json.writeObjectFieldStart("rootCause");
                json.writeStringField("kind", cause.kind().wireName());
                json.writeStringField("group", cause.group());
                if (cause.instance().isPresent()) {
                    json.writeStringField("instance", cause.instance().get());
                }
                json.writeStringField("at", start.plus(cause.at()).toString());
                json.writeEndObject();
            } else {
                json.writeNullField("rootCause");
                json.writeStringField("note", "no member was lost: the load exceeded the full capacity of "
                        + incident.culprit());
            }
            json.writeArrayFieldStart("path");
            for (String service : incident.path()) {
                json.writeString(service);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("causes");
            for (Incident.Cause cause : incident.causes()) {
                json.writeStartObject();
                json.writeStringField("kind", cause.kind().wireName());
                json.writeStringField("group", cause.group());
                if (cause.instance().isPresent()) {
                    json.writeStringField("instance", cause.instance().get());
                }
                json.writeStringField("at", start.plus(cause.at()).toString());
                json.writeStringField("service", cause.service());
                number(json, "capacityBefore", cause.capacityBefore());
                number(json, "capacityAfter", cause.capacityAfter());
                number(json, "load", cause.load());
                json.writeNumberField("lost", cause.lost());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (incident.causesOmitted() > 0) {
                json.writeNumberField("causesOmitted", incident.causesOmitted());
            }
            json.writeNumberField("crashes", incident.crashes());
            json.writeObjectFieldStart("zones");
            for (Map.Entry<String, Map<String, Integer>> group : incident.zones().entrySet()) {
                json.writeObjectFieldStart(group.getKey());
                for (Map.Entry<String, Integer> zone : group.getValue().entrySet()) {
                    json.writeNumberField(zone.getKey(), zone.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeNumberField("incidentsOmitted", report.incidentsOmitted());
    }

    /** The reports' JSON layout: two-space indent, {@code \n}, no spaces around colons, decimals never in exponent form. */
    static JsonGenerator generator(Writer out) throws IOException {
        JsonGenerator json = FACTORY.createGenerator(out);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        json.setPrettyPrinter(new DefaultPrettyPrinter().withoutSpacesInObjectEntries()
                .withObjectIndenter(new DefaultIndenter("  ", "\n")).withArrayIndenter(new DefaultIndenter("  ", "\n")));
        return json;
    }

    static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    /** A number as the event log prints it (15 significant digits), or null when it is not one. */
    static void number(JsonGenerator json, String key, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            json.writeNullField(key);
        } else {
            json.writeNumberField(key, new BigDecimal(LoggedEvent.formatNumber(value)));
        }
    }
}
