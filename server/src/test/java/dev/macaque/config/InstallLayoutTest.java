package dev.macaque.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.config.MacaqueConfig.DashboardConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** One folder for simulation reports: the dashboard reads where {@code macaque simulate} writes, from the same folder. */
class InstallLayoutTest {
    @Test
    void theSimulationsFolderIsResolvedFromTheWorkingDirectoryAsTheCommandLineWritesIt() {
        String before = System.getProperty("macaque.home");
        System.setProperty("macaque.home", "/opt/macaque");
        try {
            InstallLayout layout = InstallLayout.detect();

            assertThat(layout.home()).isEqualTo(Path.of("/opt/macaque"));
            // macaque simulate writes Path.of("simulation-out", ...) relative to the working directory
            assertThat(layout.resolveFromWorkingDirectory(DashboardConfig.DEFAULT.simulationsDirectory()))
                    .isEqualTo(Path.of(DashboardConfig.DEFAULT_SIMULATIONS_DIRECTORY).toAbsolutePath().normalize());
            assertThat(layout.resolve("plugins")).isEqualTo(Path.of("/opt/macaque/plugins"));
            assertThat(layout.resolveFromWorkingDirectory("/srv/reports")).isEqualTo(Path.of("/srv/reports"));
        } finally {
            if (before == null) {
                System.clearProperty("macaque.home");
            } else {
                System.setProperty("macaque.home", before);
            }
        }
    }
}
