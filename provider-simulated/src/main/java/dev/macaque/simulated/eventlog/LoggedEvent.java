package dev.macaque.simulated.eventlog;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One line of the world's event log.
 *
 * @param seq        position in the log, from 0, without gaps
 * @param timeNanos  virtual time since the world's start, in nanoseconds
 * @param type       dotted event type, e.g. {@code instance.terminated}
 * @param fields     further fields in the order they were given; values are strings, numbers, booleans or null
 */
public record LoggedEvent(long seq, long timeNanos, String type, List<Field> fields) {

    /** One named value; {@code value} is a {@link String}, {@link Number}, {@link Boolean} or {@code null}. */
    public record Field(String name, Object value) {
        public Field {
            Objects.requireNonNull(name, "name");
        }
    }

    private static final MathContext SIGNIFICANT = new MathContext(15);

    public LoggedEvent {
        Objects.requireNonNull(type, "type");
        fields = Collections.unmodifiableList(new ArrayList<>(fields));
    }

    /** The virtual time since start. */
    public Duration time() {
        return Duration.ofNanos(timeNanos);
    }

    /** The value of the first field called {@code name}, or {@code null}. */
    public Object field(String name) {
        for (Field field : fields) {
            if (field.name().equals(name)) {
                return field.value();
            }
        }
        return null;
    }

    /**
     * The event as one JSON object without a line break: {@code t} (ISO-8601 duration since start), {@code seq},
     * {@code type}, then the fields in order. Numbers are printed from their exact decimal value (integers as
     * integers, other numbers rounded to 15 significant digits, no exponent), so the text does not depend on the
     * JVM's {@code Double.toString}.
     */
    public String toJson() {
        StringBuilder out = new StringBuilder(96);
        out.append("{\"t\":\"").append(Duration.ofNanos(timeNanos)).append("\",\"seq\":").append(seq)
                .append(",\"type\":");
        appendString(out, type);
        for (Field field : fields) {
            out.append(',');
            appendString(out, field.name());
            out.append(':');
            appendValue(out, field.value());
        }
        return out.append('}').toString();
    }

    static void appendValue(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Number number) {
            out.append(formatNumber(number.doubleValue()));
        } else {
            appendString(out, value.toString());
        }
    }

    /** Deterministic decimal text of {@code value}; non-finite values become JSON strings. */
    public static String formatNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "\"" + value + "\"";
        }
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(SIGNIFICANT).stripTrailingZeros().toPlainString();
    }

    static void appendString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
