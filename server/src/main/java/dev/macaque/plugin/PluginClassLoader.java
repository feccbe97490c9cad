package dev.macaque.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;

/**
 * One class loader per plugin. Its parent is the JDK's platform loader, so a plugin sees the JDK, its own jars, and
 * — delegated to the server's loader — only the SPI ({@code dev.macaque.spi}) and the SLF4J API. Everything else of
 * the server (Guice, Jackson, Javalin, the engine) is invisible, and the plugin's own library versions win.
 */
final class PluginClassLoader extends URLClassLoader {
    /** Package prefixes shared with the server: the SPI and the logging API. */
    static final List<String> SHARED_PACKAGES = List.of("dev.macaque.spi.", "org.slf4j.");

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final ClassLoader serverLoader;
    private final Path origin;

    PluginClassLoader(Path origin, URL[] jars, ClassLoader serverLoader) {
        super("plugin:" + origin.getFileName(), jars, ClassLoader.getPlatformClassLoader());
        this.serverLoader = serverLoader;
        this.origin = origin;
    }

    Path origin() {
        return origin;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isShared(name)) {
            return serverLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        if (isShared(name.replace('/', '.'))) {
            return serverLoader.getResource(name);
        }
        return super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (isShared(name.replace('/', '.'))) {
            return serverLoader.getResources(name);
        }
        return super.getResources(name);
    }

    static boolean isShared(String className) {
        for (String prefix : SHARED_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "PluginClassLoader[" + origin + "]";
    }

}
