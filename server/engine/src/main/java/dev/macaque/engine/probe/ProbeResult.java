package dev.macaque.engine.probe;

import java.util.Objects;

/**
 * One evaluation of one probe.
 *
 * @param probe    the probe's name
 * @param passed   whether the service looked fine
 * @param observed what was seen, e.g. {@code HTTP 200 in 12ms}, {@code 3.5}, {@code 98.2%}, or {@code none}
 * @param detail   why it failed (empty when it passed), e.g. {@code status 500 is not one of [200]}
 */
public record ProbeResult(String probe, boolean passed, String observed, String detail) {
    public ProbeResult {
        Objects.requireNonNull(probe, "probe");
        observed = observed == null ? "" : observed;
        detail = detail == null ? "" : detail;
    }

    public static ProbeResult pass(String probe, String observed) {
        return new ProbeResult(probe, true, observed, "");
    }

    public static ProbeResult fail(String probe, String observed, String detail) {
        return new ProbeResult(probe, false, observed, detail);
    }
}
