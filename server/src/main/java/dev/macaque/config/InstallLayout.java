package dev.macaque.config;

import java.nio.file.Path;

/**
 * The folder the server runs from, against which relative paths of the configuration are resolved, and the working
 * directory, against which the JVM resolves {@code ./data} and {@code macaque simulate} writes {@code ./simulation-out}.
 */
public record InstallLayout(Path home, Path workingDirectory) {
    /** A layout whose working directory is its home (tests, embedded servers). */
    public InstallLayout(Path home) {
        this(home, home);
    }

    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : home.resolve(p).normalize();
    }

    /** {@code path} resolved as {@code ./data} and the command line's output folders are: from the working directory. */
    public Path resolveFromWorkingDirectory(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : workingDirectory.resolve(p).normalize();
    }

    /** {@code -Dmacaque.home} as set by {@code bin/macaque}, else the working directory. */
    public static InstallLayout detect() {
        String home = System.getProperty("macaque.home");
        Path workingDirectory = Path.of("").toAbsolutePath().normalize();
        return new InstallLayout(home == null || home.isBlank() ? workingDirectory : Path.of(home).toAbsolutePath().normalize(),
                workingDirectory);
    }
}
