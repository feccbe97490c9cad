package dev.macaque.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountsTest {

    @Test
    void oneIsSingularEverythingElsePlural() {
        assertThat(Counts.of(1, "kill")).isEqualTo("1 kill");
        assertThat(Counts.of(0, "kill")).isEqualTo("0 kills");
        assertThat(Counts.of(2, "termination")).isEqualTo("2 terminations");
        assertThat(Counts.of(3, "proxy", "proxies")).isEqualTo("3 proxies");
    }
}
