package dev.macaque.benchmarks.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulatorTargetsTest {
    private static String result(String method, int groups, double score) {
        return "{\"benchmark\":\"dev.macaque.benchmarks.simulator.SimulatorThroughputBenchmark." + method + "\","
                + "\"params\":{\"groups\":\"" + groups + "\"},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":1.0}}";
    }

    private static String print(String json) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SimulatorTargets.print(new ObjectMapper().readTree(json), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachSizeIsItsWorldOverItsFloorBesideTheTarget() throws Exception {
        String out = print("[" + result("world", 1000, 300) + "," + result("priorityQueueFloor", 1000, 1000) + ","
                + result("world", 100000, 200) + "," + result("priorityQueueFloor", 100000, 1000) + "]");

        assertThat(out).contains("1,000 groups: world 300 ± 1 ev/s, floor 1,000 ± 1 ev/s, ratio 0.300; target >= 0.33: not met")
                .contains("100,000 groups: world 200 ± 1 ev/s, floor 1,000 ± 1 ev/s, ratio 0.200; target >= 0.33: not met")
                .contains("ratio at 100,000 is 0.67 of the ratio at 1,000 (target >= 0.8): not met")
                .contains("1,000,000 groups: world did not run");
    }

    @Test
    void aMillionGroupsThatRanMeetTheirRowAndHigherRatiosMeetTheirs() throws Exception {
        String out = print("[" + result("world", 1000, 400) + "," + result("priorityQueueFloor", 1000, 1000) + ","
                + result("world", 100000, 400) + "," + result("priorityQueueFloor", 100000, 1000) + ","
                + result("world", 1000000, 100) + "," + result("priorityQueueFloor", 1000000, 200) + "]");

        assertThat(out).contains("ratio 0.400; target >= 0.33: met").contains("(target >= 0.8): met")
                .contains("1,000,000 groups: world 100 ± 1 ev/s, floor 200 ± 1 ev/s, ratio 0.500; ran in the fork's heap: met");
    }
}
