package dev.macaque.config;

import java.nio.file.Path;

/** The folder the server runs from; relative paths in the configuration are resolved against it. */
public record InstallLayout(Path home) {
    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : home.resolve(p).normalize();
    }

    /** {@code -Dmacaque.home} as set by {@code bin/macaque}, else the working directory. */
    public static InstallLayout detect() {
        String home = System.getProperty("macaque.home");
        return new InstallLayout(Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize());
    }
}
