package dev.macaque.engine;

import dev.macaque.text.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A step's values as a person reads them, for the run's timeline, the CLI and logs: made from its typed form ({@link
 * RunEventData}), so durations read {@code 2 s} or {@code 15 min} (never {@code PT10S} or {@code 2010ms}), counts by
 * outcome {@code 2 TERMINATED, 1 FAILED} (never a map's {@code {TERMINATED=2}}), victims {@code group/instance}.
 */
public final class RunEventText {
    private RunEventText() {
    }

    /** One value of a step, named for people. */
    public record Field(String name, String value) {
    }

    public static List<Field> fields(RunStep step) {
        List<Field> fields = new ArrayList<>();
        RunEventData.of(step).forEach((name, value) -> {
            if (name.endsWith("Seconds") && value instanceof BigDecimal seconds) {
                fields.add(new Field(name.substring(0, name.length() - "Seconds".length()),
                        Durations.human(Duration.ofMillis(seconds.movePointRight(3).longValueExact()))));
            } else {
                fields.add(new Field(name, text(value)));
            }
        });
        return List.copyOf(fields);
    }

    /** {@code name=value name=value}: the fields on one line, for the CLI and logs. */
    public static String line(RunStep step) {
        return fields(step).stream().map(f -> f.name() + "=" + f.value()).collect(Collectors.joining(" "));
    }

    private static String text(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.containsKey("group") && map.containsKey("instanceId")) {
                return map.get("group") + "/" + map.get("instanceId");
            }
            return map.isEmpty() ? "none" : map.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                    .collect(Collectors.joining(", "));
        }
        if (value instanceof Collection<?> list) {
            return list.isEmpty() ? "none" : list.stream().map(RunEventText::text).collect(Collectors.joining(", "));
        }
        return String.valueOf(value);
    }
}
