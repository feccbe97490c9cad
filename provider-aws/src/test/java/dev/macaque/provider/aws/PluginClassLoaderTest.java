package dev.macaque.provider.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.macaque.provider.aws.AwsXml.Group;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupSummary;
import dev.macaque.spi.ProviderFactory;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Loads the plugin as the server does: its own class loader over the module's classes and its runtime dependencies,
 * whose parent exposes only the JDK, {@code dev.macaque.spi} and the SLF4J API; the thread's context class loader is
 * a foreign one. The SDK must still find everything it needs (HTTP client, protocol, signer).
 */
class PluginClassLoaderTest {

    /** Delegates only the SPI and SLF4J to the test's class loader; everything else comes from the JDK. */
    private static final class SpiOnlyParent extends ClassLoader {
        private final ClassLoader application;

        SpiOnlyParent(ClassLoader application) {
            super(ClassLoader.getPlatformClassLoader());
            this.application = application;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.macaque.spi.") || name.startsWith("org.slf4j.")) {
                return application.loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void worksInItsOwnClassLoaderUnderAForeignContextClassLoader() throws Exception {
        WireMockServer stub = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        stub.start();
        stub.stubFor(post(urlEqualTo("/")).withFormParam("Action", equalTo("DescribeAutoScalingGroups"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody(AwsXml.groups(null, new Group("api", 2, Map.of("macaque-enabled", "true"), List.of())))));
        Thread thread = Thread.currentThread();
        ClassLoader previousContext = thread.getContextClassLoader();
        String previousKey = System.getProperty("aws.accessKeyId");
        String previousSecret = System.getProperty("aws.secretAccessKey");
        // The default credential chain reads these system properties; nothing else in this JVM depends on them.
        System.setProperty("aws.accessKeyId", "AKIAPLUGINLOADERTEST");
        System.setProperty("aws.secretAccessKey", "plugin-loader-secret");
        try (URLClassLoader plugin = new URLClassLoader("aws-plugin", pluginClassPath(),
                new SpiOnlyParent(getClass().getClassLoader()))) {
            thread.setContextClassLoader(new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader()));

            List<ProviderFactory> factories = ServiceLoader.load(ProviderFactory.class, plugin).stream()
                    .map(ServiceLoader.Provider::get).toList();
            assertThat(factories).singleElement().satisfies(f -> {
                assertThat(f.type()).isEqualTo("aws");
                assertThat(f.getClass().getClassLoader()).isSameAs(plugin);
            });
            try (CloudProvider provider = factories.get(0).create(new TestContext("aws-isolated",
                    Map.of("regions", "us-east-1", "endpoint", stub.baseUrl(), "maxAttempts", "1")))) {
                assertThat(provider.listGroups(GroupFilter.ALL)).extracting(GroupSummary::optedIn).containsExactly(true);
            }
        } finally {
            thread.setContextClassLoader(previousContext);
            restore("aws.accessKeyId", previousKey);
            restore("aws.secretAccessKey", previousSecret);
            stub.stop();
        }
    }

    /** The module's own classes and its runtime dependencies from the test class path, without SPI and test jars. */
    private static URL[] pluginClassPath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String path = entry.replace('\\', '/');
            boolean moduleClasses = path.endsWith("/provider-aws/target/classes");
            boolean sdk = path.contains("/software/amazon/awssdk/") || path.contains("/org/reactivestreams/");
            if (moduleClasses || sdk) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        assertThat(urls).as("plugin class path").hasSizeGreaterThan(10);
        return urls.toArray(URL[]::new);
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
