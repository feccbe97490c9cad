package dev.macaque.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse(" 0s ")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "m", "-5s", "1.5h", "10 m", "10M", "PT10M", "3w"})
    void rejectsAnythingElseNamingTheText(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("500ms, 90s, 15m, 2h, 7d");
    }

    @Test
    void formatsInTheLargestExactUnitAndRoundTrips() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        for (String text : new String[] {"500ms", "90s", "15m", "2h", "7d"}) {
            assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
        }
    }

    @Test
    void humanFormReadsAsASentenceWithoutIsoOrMillisecondNoise() {
        assertThat(Durations.human(Duration.ofMillis(350))).isEqualTo("350 ms");
        assertThat(Durations.human(Duration.ofMillis(2010))).isEqualTo("2 s");
        assertThat(Durations.human(Duration.ofMillis(2500))).isEqualTo("2.5 s");
        assertThat(Durations.human(Duration.ofSeconds(10))).isEqualTo("10 s");
        assertThat(Durations.human(Duration.ofSeconds(250))).isEqualTo("4 min 10 s");
        assertThat(Durations.human(Duration.ofMinutes(15))).isEqualTo("15 min");
        assertThat(Durations.human(Duration.ofMinutes(125))).isEqualTo("2 h 5 min");
        assertThat(Durations.human(Duration.ofHours(76))).isEqualTo("3 d 4 h");
    }
}
