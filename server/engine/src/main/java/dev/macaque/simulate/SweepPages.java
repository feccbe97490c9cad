package dev.macaque.simulate;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.macaque.simulate.SeedSweep.SeedResult;
import dev.macaque.simulated.eventlog.LoggedEvent;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * {@code sweep.json} of a seed sweep (the server renders {@code sweep.html} from the same {@link SweepReport}). Made of
 * the per-seed results in seed order only (no timing, no thread count), so the same range gives the same bytes on any
 * machine with any number of cores.
 */
public final class SweepPages {
    private static final double[] PERCENTILES = {0, 5, 50, 95, 100};
    private static final String[] PERCENTILE_NAMES = {"min", "p5", "p50", "p95", "max"};

    private SweepPages() {
    }

    public static String json(SweepReport sweep) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = ReportJson.generator(out)) {
            json.writeStartObject();
            json.writeStringField("scenario", sweep.scenario());
            json.writeStringField("file", Path.of(sweep.source()).getFileName().toString());
            json.writeStringField("seeds", sweep.range().toString());
            json.writeNumberField("runs", sweep.results().size());
            json.writeNumberField("seedsPassed", sweep.seedsPassed());
            json.writeArrayFieldStart("hypotheses");
            for (int i = 0; i < sweep.hypotheses().size(); i++) {
                json.writeStartObject();
                json.writeStringField("expression", sweep.hypotheses().get(i));
                ReportJson.number(json, "passRatePercent", sweep.passRate(i));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeObjectFieldStart("availabilityPercent");
            for (int i = 0; i < sweep.services().size(); i++) {
                json.writeObjectFieldStart(sweep.services().get(i));
                for (int p = 0; p < PERCENTILES.length; p++) {
                    ReportJson.number(json, PERCENTILE_NAMES[p], sweep.availabilityPercentile(i, PERCENTILES[p]));
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            SeedResult worst = sweep.worst();
            json.writeObjectFieldStart("worst");
            json.writeNumberField("seed", worst.seed());
            json.writeNumberField("failedHypotheses", worst.failed());
            ReportJson.number(json, "lowestAvailability", worst.lowestAvailability());
            json.writeStringField("replay", sweep.replayCommand(worst.seed()));
            json.writeEndObject();
            json.writeArrayFieldStart("perSeed");
            for (SeedResult result : sweep.results()) {
                json.writeStartObject();
                json.writeNumberField("seed", result.seed());
                json.writeNumberField("failed", result.failed());
                json.writeNumberField("kills", result.kills());
                json.writeNumberField("incidents", result.incidents());
                json.writeArrayFieldStart("availability");
                for (double a : result.availability()) {
                    json.writeNumber(new BigDecimal(LoggedEvent.formatNumber(a)));
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sweep.json", e);
        }
        return out + "\n";
    }
}
