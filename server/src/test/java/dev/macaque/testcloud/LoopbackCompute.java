package dev.macaque.testcloud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The GCP plugin's loopback Compute stub (provider-gcp's {@code FakeCompute}: Compute v1 JSON on 127.0.0.1, MIGs that
 * heal) driven from the server's tests. The stub is built on the Compute client's protobuf classes, which must not
 * reach the server's class path: it is loaded in a class loader of its own from the GCP plugin's jars in the
 * distribution, the SPI jar and provider-gcp's test classes, and called by reflection with JDK types only.
 */
public final class LoopbackCompute implements AutoCloseable {
    private static final String STUB = "dev.macaque.provider.gcp.FakeCompute";
    private static final String KEYS = "dev.macaque.provider.gcp.ServiceAccountKeys";

    private final URLClassLoader loader;
    private final Object stub;

    private LoopbackCompute(URLClassLoader loader, Object stub) {
        this.loader = loader;
        this.stub = stub;
    }

    /** Starts a stub whose recreated members come back after {@code healDelay}, with the jars of {@code pluginDirectory}. */
    public static LoopbackCompute start(Path pluginDirectory, Duration healDelay) throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(pluginDirectory)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        if (urls.isEmpty()) {
            throw new IllegalStateException("no jars in " + pluginDirectory.toAbsolutePath() + ": package the distribution first");
        }
        urls.add(dev.macaque.spi.ConfigKey.class.getProtectionDomain().getCodeSource().getLocation());
        urls.add(rootOf(STUB));
        // parent: the JDK only, so that the stub and the Compute client come from the jars above and nothing else
        URLClassLoader loader = new URLClassLoader("loopback-compute", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        try {
            var constructor = loader.loadClass(STUB).getDeclaredConstructor(Duration.class);
            constructor.setAccessible(true);
            return new LoopbackCompute(loader, constructor.newInstance(healDelay));
        } catch (ReflectiveOperationException e) {
            loader.close();
            throw new IllegalStateException("cannot start " + STUB + ": " + e, e);
        }
    }

    /** Where the class {@code name} is on this class path (provider-gcp's test jar, or its test-classes in a reactor). */
    private static URL rootOf(String name) throws MalformedURLException {
        String resource = name.replace('.', '/') + ".class";
        URL found = LoopbackCompute.class.getClassLoader().getResource(resource);
        if (found == null) {
            throw new IllegalStateException(resource + " is not on the test class path (provider-gcp's test-jar)");
        }
        String text = found.toString();
        if (text.startsWith("jar:")) {
            return URI.create(text.substring(4, text.indexOf("!/"))).toURL();
        }
        return URI.create(text.substring(0, text.length() - resource.length())).toURL();
    }

    public String endpoint() {
        return (String) call("endpoint", new Class<?>[0]);
    }

    /** A global instance template with {@code labels}; returns its URL. */
    public String globalTemplate(String project, String name, Map<String, String> labels) {
        return (String) call("globalTemplate", new Class<?>[] {String.class, String.class, Map.class}, project, name, labels);
    }

    /**
     * A MIG of {@code size} running, healthy members spread over {@code zones}; {@code location} is a region (a
     * regional MIG) or a zone (a zonal one).
     */
    public void mig(String project, String location, String name, List<String> zones, int size, String templateUrl,
                    Map<String, String> allInstancesLabels) {
        call("mig", new Class<?>[] {String.class, String.class, String.class, List.class, int.class, String.class, Map.class},
                project, location, name, zones, size, templateUrl, allInstancesLabels);
    }

    /** Every member as {@code location/mig/member} to {@code "zone id status"}. */
    @SuppressWarnings("unchecked")
    public Map<String, String> members() {
        return (Map<String, String>) call("members", new Class<?>[0]);
    }

    /** Requests seen, as {@code METHOD path}. */
    @SuppressWarnings("unchecked")
    public List<String> requests() {
        return (List<String>) call("requests", new Class<?>[0]);
    }

    /** When each of {@link #requests()} arrived. */
    @SuppressWarnings("unchecked")
    public List<Instant> arrivals() {
        return (List<Instant>) call("arrivals", new Class<?>[0]);
    }

    /** Answers the next request matching {@code request} (a regular expression over {@code METHOD path}) with this. */
    public void failNext(String request, int status, String json) {
        call("failNext", new Class<?>[] {String.class, int.class, String.class}, request, status, json);
    }

    public int faultsPending() {
        return (Integer) call("faultsPending", new Class<?>[0]);
    }

    /** Writes a throw-away service-account key whose token endpoint is this stub; returns the file's path. */
    public String serviceAccountKey() {
        try {
            Method write = loader.loadClass(KEYS).getDeclaredMethod("write", String.class);
            write.setAccessible(true);
            return (String) write.invoke(null, endpoint());
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compute API requests by kind ({@code aggregatedList}, {@code template}, {@code listManagedInstances},
     * {@code get MIG}, {@code instances.list}, {@code recreateInstances}, ...); the OAuth token exchange is not one.
     */
    public static Map<String, Integer> kinds(List<String> requests) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String request : requests) {
            if (request.equals("POST /token")) {
                continue;
            }
            String kind = request.endsWith("/aggregated/instanceGroupManagers") ? "aggregatedList"
                    : request.contains("/instanceTemplates/") ? "template"
                    : request.contains("/operations/") ? "operation"
                    : request.contains("/instanceGroupManagers/") && request.matches(".*/[a-zA-Z]+Instances$")
                    ? request.substring(request.lastIndexOf('/') + 1)
                    : request.endsWith("/testIamPermissions") ? "testIamPermissions"
                    : request.startsWith("DELETE ") && request.contains("/instances/") ? "delete VM"
                    : request.endsWith("/instances") ? "instances.list"
                    : request.contains("/instanceGroupManagers/") ? "get MIG" : request;
            counts.merge(kind, 1, Integer::sum);
        }
        return counts;
    }

    private Object call(String method, Class<?>[] types, Object... args) {
        try {
            Method m = stub.getClass().getDeclaredMethod(method, types);
            m.setAccessible(true);
            return m.invoke(stub, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(STUB + "." + method + ": " + e, e);
        }
    }

    @Override
    public void close() {
        call("close", new Class<?>[0]);
        try {
            loader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
