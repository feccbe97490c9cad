package dev.macaque.simulate;

import java.time.Duration;
import java.util.Optional;

/**
 * A service above 100% utilisation, from {@code service.overloaded} to {@code service.overload_ended}.
 *
 * @param to empty when the overload lasted until the end of the run
 */
public record OverloadWindow(String service, Duration from, Optional<Duration> to) {
}
