package dev.macaque.engine.probe;

import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** {@code service} probes: the simulated world's success ratio of a service at this virtual instant. */
public final class ServiceProbes {
    private ServiceProbes() {
    }

    static ProbeResult evaluate(Probe.Service probe, ToDoubleFunction<String> successRatio) {
        double ratio;
        try {
            ratio = successRatio.applyAsDouble(probe.service());
        } catch (IllegalArgumentException e) {
            return ProbeResult.fail(probe.name(), "none", String.valueOf(e.getMessage()));
        }
        double percent = ratio * 100;
        String observed = percent(percent) + "%";
        if (percent + 1e-9 >= probe.minSuccessPercent()) {
            return ProbeResult.pass(probe.name(), observed);
        }
        return ProbeResult.fail(probe.name(), observed, "service " + probe.service() + " served " + observed
                + " of requests, less than minSuccessPercent " + percent(probe.minSuccessPercent()));
    }

    /** At most three decimals, no trailing zeros, locale-independent (the report must be byte-identical). */
    static String percent(double value) {
        String text = String.format(Locale.ROOT, "%.3f", value);
        text = text.replaceAll("0+$", "");
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
