package dev.macaque.provider.gcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.ProviderContext;
import dev.macaque.spi.ProviderFactory;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The provider working inside a class loader shaped like the server's plugin loader: the plugin's own jars, with a
 * parent that exposes only the JDK and {@code dev.macaque.spi}. gax, the auth library and protobuf must find
 * everything they need there, the thread context class loader being the server's, not the plugin's.
 */
class PluginClassLoaderTest {
    // test-only or server-provided entries: everything else on the test class path is what the plugin zip ships
    private static final Pattern NOT_IN_PLUGIN = Pattern.compile(
            ".*(test-classes|platform-api|junit|opentest4j|apiguardian|assertj|byte-buddy|wiremock|surefire).*");

    @Test
    void createsAndDrivesAProviderInAnIsolatedPluginClassLoader() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> pluginJars = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && !NOT_IN_PLUGIN.matcher(entry).matches()) {
                pluginJars.add(new File(entry).toURI().toURL());
            }
        }
        ClassLoader spiOnly = new ClassLoader("spi-only", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.startsWith("dev.macaque.spi.")) {
                    return PluginClassLoaderTest.class.getClassLoader().loadClass(name);
                }
                throw new ClassNotFoundException(name);
            }
        };

        try (FakeCompute compute = new FakeCompute(Duration.ofMillis(100));
                URLClassLoader plugin = new URLClassLoader("plugin-gcp", pluginJars.toArray(URL[]::new), spiOnly)) {
            FakeCompute.Mig web = compute.mig("shop-prod", "europe-west1-b", "web", List.of("europe-west1-b"), 2);
            web.templateUrl = compute.globalTemplate("shop-prod", "web-v1", Map.of("macaque-enabled", "true"));
            ProviderFactory factory = ServiceLoader.load(ProviderFactory.class, plugin).stream()
                    .map(ServiceLoader.Provider::get).filter(f -> f.type().equals("gcp")).findFirst().orElseThrow();
            assertThat(factory.getClass().getClassLoader()).isSameAs(plugin);

            // ADC would look for real credentials: use a service-account key whose token endpoint is the stub's
            try (CloudProvider provider = factory.create(context(Map.of("projects", "shop-prod",
                    "endpoint", compute.endpoint(), "credentialsFile", ServiceAccountKeys.write(compute.endpoint()),
                    "operationTimeout", "5s")))) {
                assertThat(provider.listGroups(GroupFilter.ALL)).singleElement()
                        .satisfies(g -> assertThat(g.optedIn()).isTrue());
                GroupRef ref = new GroupRef("gcp-iso", "europe-west1-b", "web");
                String victim = provider.describeGroup(ref).healthyInService().get(0).id();
                TerminationResult result = provider.terminate(new TerminationRequest(ref, victim, false, "iso", "k"));
                assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
            }
        }
    }

    private static ProviderContext context(Map<String, String> config) {
        return new ProviderContext() {
            @Override
            public String instanceId() {
                return "gcp-iso";
            }

            @Override
            public Map<String, String> config() {
                return config;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("test.gcp.iso");
            }
        };
    }
}
