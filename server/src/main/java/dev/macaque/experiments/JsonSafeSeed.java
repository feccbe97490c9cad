package dev.macaque.experiments;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes a seed so that every JSON tool reads it back exactly: as a number while it is within ±(2^53−1) (all seeds the
 * server draws are), and as a decimal string beyond, where {@code jq} and JavaScript would round a number — the same
 * form the API accepts such a seed in.
 */
public final class JsonSafeSeed extends StdSerializer<Long> {
    private static final long serialVersionUID = 1L;
    static final long MAX_SAFE = (1L << 53) - 1;

    public JsonSafeSeed() {
        super(Long.class);
    }

    @Override
    public void serialize(Long seed, JsonGenerator out, SerializerProvider provider) throws IOException {
        if (Math.abs(seed) <= MAX_SAFE) {
            out.writeNumber(seed);
        } else {
            out.writeString(Long.toString(seed));
        }
    }
}
