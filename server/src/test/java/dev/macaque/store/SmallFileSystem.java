package dev.macaque.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for disk-full tests: a tmpfs of a few MiB mounted on a folder of the test's own (the
 * tests run as root here and in CI). {@link #fill()} writes a filler file until the device is full; {@link #free()}
 * deletes it.
 */
public final class SmallFileSystem implements AutoCloseable {
    private final Path mountPoint;
    private final Path filler;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /** Mounts a tmpfs of {@code mebibytes} on {@code mountPoint}; empty when this machine does not permit mounting. */
    public static Optional<SmallFileSystem> mount(Path mountPoint, int mebibytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        mount.getInputStream().readAllBytes();
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0) {
            return Optional.empty();
        }
        return Optional.of(new SmallFileSystem(mountPoint));
    }

    public Path path() {
        return mountPoint;
    }

    /** Writes the filler until the device has no space left. */
    public void fill() throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            for (int i = 0; i < 1 << 20; i++) {
                out.write(block);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
            return;
        }
        throw new IllegalStateException("the small file system never filled up");
    }

    /** Deletes the filler: the space is free again. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process umount = new ProcessBuilder(List.of("umount", "-l", mountPoint.toString())).redirectErrorStream(true).start();
        umount.getInputStream().readAllBytes();
        umount.waitFor(30, TimeUnit.SECONDS);
    }
}
