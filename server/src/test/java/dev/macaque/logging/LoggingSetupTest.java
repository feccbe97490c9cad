package dev.macaque.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.macaque.config.MacaqueConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {
    private final PrintStream originalErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        LoggingSetup.apply(MacaqueConfig.LoggingConfig.DEFAULT);
    }

    private static String capture(MacaqueConfig.LoggingConfig config, Runnable logging) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        LoggingSetup.apply(config);
        logging.run();
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
        String out = capture(new MacaqueConfig.LoggingConfig(MacaqueConfig.LoggingConfig.Format.JSON, "INFO"), () -> {
            LoggerFactory.getLogger("dev.macaque.test").info("first {}", "line");
            LoggerFactory.getLogger("dev.macaque.test").warn("second\nwith a newline");
        });

        List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.toString()).contains("first line").contains("INFO").contains("dev.macaque.test");
        assertThat(new ObjectMapper().readTree(lines.get(1)).toString()).contains("second\\nwith a newline");
    }

    @Test
    void textFormatIsHumanReadableAndHonoursTheLevel() {
        String out = capture(new MacaqueConfig.LoggingConfig(MacaqueConfig.LoggingConfig.Format.TEXT, "WARN"), () -> {
            LoggerFactory.getLogger("dev.macaque.test").info("hidden");
            LoggerFactory.getLogger("dev.macaque.test").warn("shown");
        });

        assertThat(out).contains("WARN").contains("dev.macaque.test - shown").doesNotContain("hidden").doesNotStartWith("{");
    }
}
