package dev.macaque.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars at test time: Java sources compiled against the SPI with the JDK's compiler, packed
 * with their resources (e.g. {@code META-INF/services}) into a jar.
 */
public final class TestPlugins {
    private TestPlugins() {
    }

    /** A jar under construction. */
    public static final class JarSpec {
        private final Map<String, String> sources = new LinkedHashMap<>();
        private final Map<String, String> resources = new LinkedHashMap<>();
        private final List<Path> classpath = new ArrayList<>();
        private String implementationVersion;

        /** Writes a manifest with this {@code Implementation-Version}, as maven-jar-plugin does. */
        public JarSpec implementationVersion(String version) {
            this.implementationVersion = version;
            return this;
        }

        public JarSpec source(String className, String code) {
            sources.put(className, code);
            return this;
        }

        public JarSpec resource(String path, String content) {
            resources.put(path, content);
            return this;
        }

        /** Registers {@code factoryClass} with ServiceLoader. */
        public JarSpec service(String factoryClass) {
            return resource("META-INF/services/dev.macaque.spi.ProviderFactory", factoryClass + "\n");
        }

        /** Extra compile-time class path (e.g. a library jar the plugin uses). */
        public JarSpec compileAgainst(Path jar) {
            classpath.add(jar);
            return this;
        }

        public Path writeTo(Path jar) {
            try {
                Path work = Files.createTempDirectory("plugin-src");
                Path src = work.resolve("src");
                Path classes = work.resolve("classes");
                Files.createDirectories(classes);
                List<String> files = new ArrayList<>();
                for (Map.Entry<String, String> e : sources.entrySet()) {
                    Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, e.getValue());
                    files.add(file.toString());
                }
                if (!files.isEmpty()) {
                    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                    // extra jars first, so that they shadow same-named classes of the test class path
                    StringBuilder cp = new StringBuilder();
                    classpath.forEach(p -> cp.append(p).append(java.io.File.pathSeparator));
                    cp.append(System.getProperty("java.class.path"));
                    List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp", cp.toString(), "--release", "17", "-nowarn"));
                    args.addAll(files);
                    java.io.ByteArrayOutputStream diagnostics = new java.io.ByteArrayOutputStream();
                    int rc = javac.run(null, diagnostics, diagnostics, args.toArray(String[]::new));
                    if (rc != 0) {
                        throw new IllegalStateException("test plugin sources did not compile:\n" + diagnostics);
                    }
                }
                Files.createDirectories(jar.toAbsolutePath().getParent());
                java.util.jar.Manifest manifest = new java.util.jar.Manifest();
                manifest.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
                if (implementationVersion != null) {
                    manifest.getMainAttributes().put(java.util.jar.Attributes.Name.IMPLEMENTATION_VERSION, implementationVersion);
                }
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
                    try (Stream<Path> walk = Files.walk(classes)) {
                        for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                            put(out, classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                        }
                    }
                    for (Map.Entry<String, String> r : resources.entrySet()) {
                        put(out, r.getKey(), r.getValue().getBytes(StandardCharsets.UTF_8));
                    }
                }
                return jar;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void put(JarOutputStream out, String name, byte[] bytes) throws IOException {
            out.putNextEntry(new JarEntry(name));
            out.write(bytes);
            out.closeEntry();
        }
    }

    public static JarSpec jar() {
        return new JarSpec();
    }

    /**
     * Source of a minimal, working provider factory {@code pkg.Factory} of {@code type}, whose provider lists one
     * opted-in group. {@code description} is a Java expression (evaluated in the plugin) that becomes its description.
     */
    public static String factorySource(String pkg, String type, String spiVersionExpression, String descriptionExpression) {
        return """
                package %1$s;

                import dev.macaque.spi.*;
                import java.util.List;
                import java.util.Map;

                public class Factory implements ProviderFactory {
                    @Override public String type() { return "%2$s"; }
                    @Override public String spiVersion() { return %3$s; }
                    @Override public String description() { return %4$s; }
                    @Override public List<ConfigKey> configKeys() {
                        return List.of(ConfigKey.required("region", "the one region"), ConfigKey.optional("size", "group size", "2"));
                    }
                    @Override public CloudProvider create(ProviderContext context) {
                        String region = context.configValue("region").orElseThrow();
                        int size = Integer.parseInt(context.configValue("size").orElse("2"));
                        GroupRef ref = new GroupRef(context.instanceId(), region, "web");
                        return new CloudProvider() {
                            @Override public String id() { return context.instanceId(); }
                            @Override public String type() { return "%2$s"; }
                            @Override public List<GroupSummary> listGroups(GroupFilter filter) {
                                return List.of(new GroupSummary(ref, size, Map.of("macaque-enabled", "true",
                                        "tccl", String.valueOf(Thread.currentThread().getContextClassLoader()))));
                            }
                            @Override public VmGroup describeGroup(GroupRef group) { throw new ProviderException(ProviderException.Kind.NOT_FOUND, "none"); }
                            @Override public GroupHealth health(GroupRef group) { return new GroupHealth(group, size, size, 0); }
                            @Override public TerminationResult terminate(TerminationRequest request) {
                                return new TerminationResult(request.group(), request.instanceId(),
                                    request.dryRun() ? TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE : TerminationResult.Outcome.TERMINATED,
                                    "dryRun=" + request.dryRun());
                            }
                        };
                    }
                }
                """.formatted(pkg, type, spiVersionExpression, descriptionExpression);
    }

    /**
     * Source of a provider written against SPI 1.0: {@code spiVersion()} returns "1.0" and it implements only the
     * methods 1.0 had (no describeGroups, no pluginVersion), so it runs on the SPI's defaults. Its one group
     * {@code web} in {@code r1} has two healthy members; every other group is not found.
     */
    public static String spiOneZeroFactorySource(String pkg, String type) {
        return """
                package %1$s;

                import dev.macaque.spi.*;
                import java.time.Instant;
                import java.util.List;
                import java.util.Map;

                public class Factory implements ProviderFactory {
                    @Override public String type() { return "%2$s"; }
                    @Override public String spiVersion() { return "1.0"; }
                    @Override public String description() { return "written for SPI 1.0"; }
                    @Override public CloudProvider create(ProviderContext context) {
                        GroupRef ref = new GroupRef(context.instanceId(), "r1", "web");
                        GroupSummary summary = new GroupSummary(ref, 2, Map.of("macaque-enabled", "true"));
                        return new CloudProvider() {
                            @Override public String id() { return context.instanceId(); }
                            @Override public String type() { return "%2$s"; }
                            @Override public List<GroupSummary> listGroups(GroupFilter filter) { return List.of(summary); }
                            @Override public VmGroup describeGroup(GroupRef group) {
                                if (!group.equals(ref)) {
                                    throw new ProviderException(ProviderException.Kind.NOT_FOUND, "no group " + group);
                                }
                                return new VmGroup(summary, List.of(
                                        new Instance("i-1", "a", LifecycleState.IN_SERVICE, true, Instant.EPOCH),
                                        new Instance("i-2", "a", LifecycleState.IN_SERVICE, true, Instant.EPOCH)));
                            }
                            @Override public GroupHealth health(GroupRef group) { return new GroupHealth(group, 2, 2, 0); }
                            @Override public TerminationResult terminate(TerminationRequest request) {
                                return new TerminationResult(request.group(), request.instanceId(),
                                    TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE, "dry run");
                            }
                        };
                    }
                }
                """.formatted(pkg, type);
    }

    /** A plugin directory {@code plugins/<name>/} holding one working provider jar of {@code type}. */
    public static Path workingPlugin(Path pluginsDir, String name, String type) {
        String pkg = "test." + name.replace('-', '_');
        return jar().source(pkg + ".Factory", factorySource(pkg, type, "SpiVersion.CURRENT", "\"test provider " + type + "\""))
                .service(pkg + ".Factory")
                .writeTo(pluginsDir.resolve(name).resolve(name + ".jar"));
    }
}
