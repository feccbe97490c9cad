package dev.macaque.plugin;

import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.SpiVersion;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds provider factories: the server's built-ins on its own class path, then every plugin in the plugins
 * directory. A plugin is a directory of jars or a single jar; each gets its own {@link PluginClassLoader}.
 *
 * <p>A plugin that cannot be used — corrupt jar, no factory, a factory that throws, an incompatible SPI version, a
 * type that is already installed — is recorded as a {@link PluginLoadError} and skipped; loading never fails as a
 * whole, so one bad plugin cannot keep the server from starting.
 */
public final class PluginLoader {
    private static final Logger log = LoggerFactory.getLogger(PluginLoader.class);

    private final ClassLoader serverLoader;

    public PluginLoader(ClassLoader serverLoader) {
        this.serverLoader = serverLoader;
    }

    public ProviderCatalog load(Path pluginsDirectory) {
        Map<String, InstalledProvider> byType = new LinkedHashMap<>();
        List<PluginLoadError> errors = new ArrayList<>();

        for (ProviderFactory factory : ServiceLoader.load(ProviderFactory.class, serverLoader)) {
            if (factory.getClass().getClassLoader() instanceof PluginClassLoader) {
                continue;
            }
            byType.putIfAbsent(factory.type(), new InstalledProvider(factory, InstalledProvider.BUILT_IN, serverLoader));
        }

        for (Path plugin : plugins(pluginsDirectory, errors)) {
            loadPlugin(plugin, byType, errors);
        }
        for (PluginLoadError error : errors) {
            log.warn("Skipped plugin {}: {}", error.plugin(), error.error());
        }
        return new ProviderCatalog(List.copyOf(byType.values()), errors);
    }

    private static List<Path> plugins(Path directory, List<PluginLoadError> errors) {
        if (directory == null || !Files.isDirectory(directory)) {
            if (directory != null) {
                log.info("No plugins directory at {}; only built-in providers are available", directory);
            }
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted().toList();
        } catch (IOException e) {
            errors.add(new PluginLoadError(directory.toString(), "cannot list plugins directory: " + e.getMessage()));
            return List.of();
        }
    }

    private void loadPlugin(Path plugin, Map<String, InstalledProvider> byType, List<PluginLoadError> errors) {
        String origin = plugin.toString();
        List<Path> jars;
        try {
            jars = jarsOf(plugin);
        } catch (IOException e) {
            errors.add(new PluginLoadError(origin, "cannot read plugin: " + e.getMessage()));
            return;
        }
        if (jars.isEmpty()) {
            errors.add(new PluginLoadError(origin, "plugin directory holds no jar"));
            return;
        }
        for (Path jar : jars) {
            try (JarFile ignored = new JarFile(jar.toFile())) {
                // opened only to prove it is a readable zip
            } catch (IOException e) {
                errors.add(new PluginLoadError(origin, "corrupt jar " + jar.getFileName() + ": " + e.getMessage()));
                return;
            }
        }
        PluginClassLoader loader = new PluginClassLoader(plugin, urls(jars), serverLoader);
        List<ProviderFactory> factories = new ArrayList<>();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            Iterator<ProviderFactory> it = ServiceLoader.load(ProviderFactory.class, loader).iterator();
            while (it.hasNext()) {
                ProviderFactory factory = it.next();
                if (factory.getClass().getClassLoader() == loader) {
                    factories.add(factory);
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            errors.add(new PluginLoadError(origin, "a provider factory failed to load: " + describe(e)
                    + " (check that the plugin bundles all its dependencies and that its factory has a public no-arg constructor)"));
            close(loader);
            return;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        if (factories.isEmpty()) {
            errors.add(new PluginLoadError(origin, "no provider factory found: a plugin lists its "
                    + ProviderFactory.class.getName() + " implementation in META-INF/services/" + ProviderFactory.class.getName()));
            close(loader);
            return;
        }
        boolean used = false;
        for (ProviderFactory factory : factories) {
            String problem = check(factory, byType);
            if (problem != null) {
                errors.add(new PluginLoadError(origin, problem));
                continue;
            }
            byType.put(factory.type(), new InstalledProvider(factory, origin, loader));
            used = true;
            log.info("Loaded provider '{}' (SPI {}) from {}", factory.type(), factory.spiVersion(), origin);
        }
        if (!used) {
            close(loader);
        }
    }

    private static String check(ProviderFactory factory, Map<String, InstalledProvider> byType) {
        String type;
        String spiVersion;
        try {
            type = factory.type();
            spiVersion = factory.spiVersion();
        } catch (RuntimeException | LinkageError e) {
            return "provider factory " + factory.getClass().getName() + " failed to describe itself: " + describe(e);
        }
        if (type == null || !type.matches("[a-z][a-z0-9-]*")) {
            return "provider factory " + factory.getClass().getName() + " has an invalid type '" + type + "'";
        }
        try {
            if (!SpiVersion.isCompatible(SpiVersion.CURRENT, spiVersion)) {
                return "SPI version " + SpiVersion.CURRENT + " is not compatible with plugin built for " + spiVersion
                        + " (provider '" + type + "'); rebuild the plugin against platform-api " + SpiVersion.major(SpiVersion.CURRENT) + ".x";
            }
        } catch (IllegalArgumentException e) {
            return "provider '" + type + "' reports a malformed SPI version: " + e.getMessage();
        }
        InstalledProvider existing = byType.get(type);
        if (existing != null) {
            return "duplicate provider type '" + type + "': already installed from " + existing.origin();
        }
        return null;
    }

    private static List<Path> jarsOf(Path plugin) throws IOException {
        if (!Files.isDirectory(plugin)) {
            return List.of(plugin);
        }
        try (Stream<Path> files = Files.list(plugin)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static URL[] urls(List<Path> jars) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalStateException("jar path " + jars.get(i) + " is not a URL", e);
            }
        }
        return urls;
    }

    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        Throwable cause = e.getCause();
        while (cause != null && cause != cause.getCause()) {
            out.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
            cause = cause.getCause();
        }
        return out.toString();
    }

    private static void close(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            log.debug("Closing plugin loader {} failed", loader, e);
        }
    }
}
