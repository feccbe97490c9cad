package dev.macaque.simulated.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A service served by one group.
 *
 * @param name                unique in the world
 * @param group               the group whose healthy in-service members serve it
 * @param capacityPerInstance requests per second one healthy in-service member serves (> 0)
 * @param load                offered load
 * @param dependsOn           services it calls synchronously; its success ratio is multiplied by theirs
 * @param overloadCrashAfter  when set, a member kept above 100% utilisation for this long crashes
 */
public record ServiceSpec(String name, String group, double capacityPerInstance, Load load, List<String> dependsOn,
                          Optional<Duration> overloadCrashAfter) {

    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        if (!(capacityPerInstance > 0) || Double.isInfinite(capacityPerInstance)) {
            throw new IllegalArgumentException("service " + name + ": capacityPerInstance must be a finite number > 0, was "
                    + capacityPerInstance);
        }
        Objects.requireNonNull(load, "load");
        dependsOn = List.copyOf(dependsOn);
        Objects.requireNonNull(overloadCrashAfter, "overloadCrashAfter");
        overloadCrashAfter.ifPresent(d -> {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("service " + name + ": overloadCrashAfter must be > 0, was " + d);
            }
        });
    }

    public static ServiceSpec of(String name, String group, double capacityPerInstance, double load, String... dependsOn) {
        return new ServiceSpec(name, group, capacityPerInstance, new Load.Constant(load), List.of(dependsOn), Optional.empty());
    }

    public ServiceSpec withOverloadCrashAfter(Duration after) {
        return new ServiceSpec(name, group, capacityPerInstance, load, dependsOn, Optional.of(after));
    }
}
