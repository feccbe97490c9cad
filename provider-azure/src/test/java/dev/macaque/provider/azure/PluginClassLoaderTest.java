package dev.macaque.provider.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.ProviderFactory;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The plugin in a class loader like the server's: its parent exposes only the JDK, {@code dev.macaque.spi} and the
 * SLF4J API; everything else (Azure SDK, Netty, Jackson, reactor) comes from the plugin's own jars.
 */
class PluginClassLoaderTest {
    private static final List<String> NOT_IN_THE_PLUGIN = List.of("platform-api", "slf4j-api", "test-classes", "junit",
            "assertj", "opentest4j", "apiguardian", "wiremock", "surefire", "byte-buddy",
            // the engine and the simulated cloud are on the test class path only, for AzureZoneOutageTest
            "/server/engine/", "/engine-0", "provider-simulated");

    @Test
    void isDiscoveredAndCreatesAProviderWithOnlyTheSpiAndSlf4jShared() throws Exception {
        ClassLoader application = getClass().getClassLoader();
        ClassLoader sharedOnly = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("dev.macaque.spi.") || name.startsWith("org.slf4j.")) {
                    return application.loadClass(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        try (URLClassLoader plugin = new URLClassLoader(pluginClassPath(), sharedOnly)) {
            List<ProviderFactory> factories = ServiceLoader.load(ProviderFactory.class, plugin).stream()
                    .map(ServiceLoader.Provider::get).toList();

            assertThat(factories).singleElement().satisfies(f -> {
                assertThat(f.type()).isEqualTo("azure");
                assertThat(f.getClass().getClassLoader()).isSameAs(plugin);
            });
            Map<String, String> config = Map.of("subscriptions", "11111111-2222-3333-4444-555555555555",
                    "tenantId", "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "clientId", "ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee",
                    "clientSecret", "not-a-real-secret");
            // Builds the Netty HTTP client and the service-principal credential inside the plugin loader; no network.
            try (CloudProvider provider = factories.get(0).create(new TestContext("az", config))) {
                assertThat(provider.type()).isEqualTo("azure");
                assertThat(provider.getClass().getClassLoader()).isSameAs(plugin);
            }
        }
    }

    private static URL[] pluginClassPath() throws MalformedURLException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new java.util.ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.isBlank() || NOT_IN_THE_PLUGIN.stream().anyMatch(entry::contains)) {
                continue;
            }
            urls.add(new File(entry).toURI().toURL());
        }
        return urls.toArray(URL[]::new);
    }
}
