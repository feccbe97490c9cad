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
 * {@code sweep.json} and {@code sweep.html} of a seed sweep. Both are made of the per-seed results in seed order
 * only (no timing, no thread count), so the same range gives the same bytes on any machine with any number of cores.
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

    public static String html(SweepReport sweep) {
        StringBuilder out = new StringBuilder(1 << 14);
        SeedResult worst = sweep.worst();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").append(esc(sweep.scenario()))
                .append(" — seed sweep</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n<main>\n<h1>")
                .append(esc(sweep.scenario())).append(" <span class=\"muted\">seeds ").append(sweep.range()).append("</span></h1>\n")
                .append("<p>").append(ReportText.count(sweep.seedsPassed())).append(" of ").append(ReportText.count(sweep.results().size()))
                .append(" seeds hold every hypothesis.</p>\n");
        out.append("<section><h2>Hypotheses</h2><table><thead><tr><th>Hypothesis</th><th class=\"num\">Pass rate</th></tr></thead><tbody>\n");
        for (int i = 0; i < sweep.hypotheses().size(); i++) {
            double rate = sweep.passRate(i);
            out.append("<tr><td><code>").append(esc(sweep.hypotheses().get(i))).append("</code></td><td class=\"num")
                    .append(rate < 100 ? " bad" : "").append("\">").append(ReportText.percent(rate)).append("</td></tr>\n");
        }
        out.append("</tbody></table></section>\n<section><h2>Availability over the seeds</h2><table><thead><tr><th>Service</th>");
        for (String name : PERCENTILE_NAMES) {
            out.append("<th class=\"num\">").append(name).append("</th>");
        }
        out.append("</tr></thead><tbody>\n");
        for (int i = 0; i < sweep.services().size(); i++) {
            out.append("<tr><td>").append(esc(sweep.services().get(i))).append("</td>");
            for (double p : PERCENTILES) {
                out.append("<td class=\"num\">").append(ReportText.percent(sweep.availabilityPercentile(i, p))).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody></table></section>\n<section><h2>Worst seed</h2><p>Seed ").append(worst.seed()).append(": ")
                .append(worst.failed()).append(worst.failed() == 1 ? " hypothesis failed" : " hypotheses failed")
                .append(", lowest availability ").append(ReportText.percent(worst.lowestAvailability()))
                .append(". Replay it with its full report:</p>\n<pre>").append(esc(sweep.replayCommand(worst.seed())))
                .append("</pre></section>\n</main>\n</body>\n</html>\n");
        return out.toString();
    }

    static String esc(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static final String CSS = """
            body { margin: 0; background: #f8fafc; color: #1f2937; font: 14px/1.45 system-ui, sans-serif; }
            main { max-width: 1160px; margin: 0 auto; padding: 24px 28px 40px; }
            section { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; padding: 16px 18px; margin: 16px 0; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #e5e7eb; }
            th { font-size: 12px; color: #6b7280; text-transform: uppercase; } .num { text-align: right; }
            .bad { color: #b91c1c; font-weight: 600; } .good { color: #15803d; font-weight: 600; } .muted { color: #6b7280; font-weight: normal; }
            pre { background: #f1f5f9; padding: 8px 12px; border-radius: 6px; }
            """;
}
