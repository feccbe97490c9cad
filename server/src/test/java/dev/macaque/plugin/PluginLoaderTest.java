package dev.macaque.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.macaque.config.MacaqueConfig;
import dev.macaque.spi.CloudProvider;
import dev.macaque.spi.GroupFilter;
import dev.macaque.spi.GroupRef;
import dev.macaque.spi.TerminationRequest;
import dev.macaque.spi.TerminationResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginLoaderTest {
    @TempDir
    Path plugins;

    private ProviderCatalog load() {
        return new PluginLoader(PluginLoaderTest.class.getClassLoader()).load(plugins);
    }

    private static String onlyError(ProviderCatalog catalog) {
        assertThat(catalog.errors()).hasSize(1);
        return catalog.errors().get(0).error();
    }

    @Test
    void loadsAPluginDirectoryOfJarsWithItsOwnClassLoader() {
        TestPlugins.workingPlugin(plugins, "acme", "acme");

        ProviderCatalog catalog = load();

        InstalledProvider acme = catalog.byType("acme").orElseThrow();
        assertThat(acme.origin()).isEqualTo(plugins.resolve("acme").toString());
        assertThat(acme.loader()).isInstanceOf(PluginClassLoader.class);
        assertThat(acme.factory().getClass().getClassLoader()).isSameAs(acme.loader());
        assertThat(catalog.errors()).isEmpty();
    }

    @Test
    void loadsASingleJarDroppedIntoThePluginsDirectory() {
        TestPlugins.jar().source("solo.Factory", TestPlugins.factorySource("solo", "solo", "SpiVersion.CURRENT", "\"solo\""))
                .service("solo.Factory").writeTo(plugins.resolve("solo.jar"));

        assertThat(load().byType("solo")).isPresent();
    }

    @Test
    void pluginCodeSeesTheSpiButNoServerClassesOrServerLibraries() throws Exception {
        String probe = "probe(\"dev.macaque.plugin.PluginLoader\") + \",\" + probe(\"com.google.inject.Guice\") + \",\" + probe(\"dev.macaque.spi.CloudProvider\")";
        String source = TestPlugins.factorySource("peek", "peek", "SpiVersion.CURRENT", probe)
                .replace("public class Factory implements ProviderFactory {", """
                        public class Factory implements ProviderFactory {
                            static String probe(String name) {
                                try { Class.forName(name, false, Factory.class.getClassLoader()); return "visible"; }
                                catch (ClassNotFoundException e) { return "hidden"; }
                            }
                        """);
        TestPlugins.jar().source("peek.Factory", source).service("peek.Factory").writeTo(plugins.resolve("peek/peek.jar"));

        InstalledProvider peek = load().byType("peek").orElseThrow();

        assertThat(peek.factory().description()).isEqualTo("hidden,hidden,visible");
        assertThat(peek.loader().loadClass("dev.macaque.spi.CloudProvider")).isSameAs(CloudProvider.class);
    }

    @Test
    void twoPluginsMayBundleDifferentVersionsOfTheSameLibrary() {
        for (String version : new String[] {"1", "2"}) {
            Path lib = TestPlugins.jar().source("shared.lib.Greeting",
                    "package shared.lib; public class Greeting { public static String version() { return \"" + version + "\"; } }")
                    .writeTo(plugins.resolve("../libs-" + version + "/greeting.jar").normalize());
            String pkg = "v" + version;
            TestPlugins.jar().compileAgainst(lib)
                    .source(pkg + ".Factory", TestPlugins.factorySource(pkg, "lib" + version, "SpiVersion.CURRENT",
                            "\"greeting \" + shared.lib.Greeting.version()"))
                    .service(pkg + ".Factory")
                    .writeTo(plugins.resolve("lib" + version + "/provider.jar"));
            copy(lib, plugins.resolve("lib" + version + "/greeting.jar"));
        }

        ProviderCatalog catalog = load();

        assertThat(catalog.byType("lib1").orElseThrow().factory().description()).isEqualTo("greeting 1");
        assertThat(catalog.byType("lib2").orElseThrow().factory().description()).isEqualTo("greeting 2");
    }

    @Test
    void thePluginsOwnCopyOfALibraryWinsOverTheServers() {
        // The server has picocli on its class path; the plugin bundles its own class of the same name.
        Path lib = TestPlugins.jar().source("picocli.CommandLine",
                "package picocli; public class CommandLine { public static String who() { return \"plugin's own\"; } }")
                .writeTo(plugins.resolve("../own/picocli.jar").normalize());
        TestPlugins.jar().compileAgainst(lib)
                .source("own.Factory", TestPlugins.factorySource("own", "own", "SpiVersion.CURRENT", "picocli.CommandLine.who()"))
                .service("own.Factory").writeTo(plugins.resolve("own/provider.jar"));
        copy(lib, plugins.resolve("own/picocli.jar"));

        assertThat(load().byType("own").orElseThrow().factory().description()).isEqualTo("plugin's own");
    }

    @Test
    void aPluginBuiltForAnotherSpiMajorIsSkippedWithBothVersions() {
        TestPlugins.jar().source("future.Factory", TestPlugins.factorySource("future", "future", "\"2.0\"", "\"x\""))
                .service("future.Factory").writeTo(plugins.resolve("future/future.jar"));

        ProviderCatalog catalog = load();

        assertThat(catalog.byType("future")).isEmpty();
        assertThat(onlyError(catalog)).contains("SPI version " + dev.macaque.spi.SpiVersion.CURRENT + " is not compatible with plugin built for 2.0");
        assertThat(catalog.errors().get(0).plugin()).endsWith("future");
    }

    @Test
    void aPluginWithoutAFactoryIsReportedWithAHint() {
        TestPlugins.jar().source("empty.Nothing", "package empty; public class Nothing {}").writeTo(plugins.resolve("empty/empty.jar"));

        assertThat(onlyError(load())).contains("no provider factory found").contains("META-INF/services/dev.macaque.spi.ProviderFactory");
    }

    @Test
    void aFactoryThatThrowsWhileLoadingIsSkippedAndTheOthersStillLoad() {
        String throwing = TestPlugins.factorySource("boom", "boom", "SpiVersion.CURRENT", "\"boom\"")
                .replace("public class Factory implements ProviderFactory {",
                        "public class Factory implements ProviderFactory {\n static { if (true) throw new IllegalStateException(\"static init exploded\"); }");
        TestPlugins.jar().source("boom.Factory", throwing).service("boom.Factory").writeTo(plugins.resolve("boom/boom.jar"));
        TestPlugins.workingPlugin(plugins, "fine", "fine");

        ProviderCatalog catalog = load();

        assertThat(catalog.byType("fine")).isPresent();
        assertThat(catalog.byType("boom")).isEmpty();
        assertThat(onlyError(catalog)).contains("failed to load").contains("static init exploded");
    }

    @Test
    void aFactoryMissingAClassItNeedsIsReportedWithAHint() {
        Path lib = TestPlugins.jar().source("missing.Helper", "package missing; public class Helper { public static String hi() { return \"hi\"; } }")
                .writeTo(plugins.resolve("../missing-lib/helper.jar").normalize());
        String source = TestPlugins.factorySource("needs", "needs", "SpiVersion.CURRENT", "\"needs\"")
                .replace("public class Factory implements ProviderFactory {",
                        "public class Factory implements ProviderFactory {\n static final String HI = missing.Helper.hi();");
        TestPlugins.jar().compileAgainst(lib).source("needs.Factory", source).service("needs.Factory")
                .writeTo(plugins.resolve("needs/needs.jar"));

        assertThat(onlyError(load())).contains("missing/Helper").contains("bundles all its dependencies");
    }

    @Test
    void aSecondPluginOfAnInstalledTypeIsADuplicate() {
        TestPlugins.workingPlugin(plugins, "a-first", "twin");
        TestPlugins.workingPlugin(plugins, "b-second", "twin");

        ProviderCatalog catalog = load();

        assertThat(catalog.byType("twin").orElseThrow().origin()).endsWith("a-first");
        assertThat(onlyError(catalog)).contains("duplicate provider type 'twin'").contains("a-first");
    }

    @Test
    void aCorruptJarIsReportedAndSkipped() throws Exception {
        Files.createDirectories(plugins.resolve("broken"));
        Files.write(plugins.resolve("broken/broken.jar"), "this is not a zip".getBytes(StandardCharsets.UTF_8));

        assertThat(onlyError(load())).contains("corrupt jar broken.jar");
    }

    @Test
    void aMissingPluginsDirectoryMeansOnlyBuiltIns() {
        ProviderCatalog catalog = new PluginLoader(getClass().getClassLoader()).load(plugins.resolve("absent"));

        assertThat(catalog.errors()).isEmpty();
        assertThat(catalog.installed()).allSatisfy(p -> assertThat(p.builtIn()).isTrue());
    }

    @Test
    void configuredInstancesRunUnderThePluginsClassLoaderAndAreLeashedUnlessSimulated() {
        TestPlugins.workingPlugin(plugins, "acme", "acme");
        MacaqueConfig config = new MacaqueConfig(null, null, null, null, null,
                Map.of("acme-prod", Map.of("type", "acme", "region", "eu-west-1")));

        try (ProviderInstances instances = ProviderInstances.create(load(), config, Clock.systemUTC())) {
            ConfiguredProvider acme = instances.byId("acme-prod").orElseThrow();
            assertThat(acme.isReady()).isTrue();
            assertThat(acme.leashed()).isTrue();
            var group = acme.provider().listGroups(GroupFilter.ALL).get(0);
            assertThat(group.ref()).isEqualTo(new GroupRef("acme-prod", "eu-west-1", "web"));
            assertThat(group.tags().get("tccl")).startsWith("PluginClassLoader[").endsWith("acme]");
        }
    }

    @Test
    void leashedModeTurnsEveryRealTerminationIntoADryRun() {
        TestPlugins.workingPlugin(plugins, "acme", "acme");
        MacaqueConfig config = new MacaqueConfig(null, null, null, null, null, Map.of("acme-prod", Map.of("type", "acme", "region", "r1")));

        try (ProviderInstances instances = ProviderInstances.create(load(), config, Clock.systemUTC())) {
            CloudProvider provider = instances.byId("acme-prod").orElseThrow().provider();
            GroupRef web = new GroupRef("acme-prod", "r1", "web");
            TerminationResult result = provider.terminate(new TerminationRequest(web, "i-1", false, "test", "k1"));

            assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.DRY_RUN_WOULD_TERMINATE);
            assertThat(result.detail()).contains("leashed").contains("dryRun=true");
            assertThat(provider.health(web).desiredCapacity()).as("the provider applies its own declared default size=2").isEqualTo(2);
        }
    }

    @Test
    void unleashedModePassesRealTerminationsThrough() {
        TestPlugins.workingPlugin(plugins, "acme", "acme");
        MacaqueConfig config = new MacaqueConfig(null, MacaqueConfig.Mode.UNLEASHED, null, null, null,
                Map.of("acme-prod", Map.of("type", "acme", "region", "r1")));

        try (ProviderInstances instances = ProviderInstances.create(load(), config, Clock.systemUTC())) {
            CloudProvider provider = instances.byId("acme-prod").orElseThrow().provider();
            TerminationResult result = provider.terminate(new TerminationRequest(new GroupRef("acme-prod", "r1", "web"), "i-1", false, "t", "k"));
            assertThat(result.outcome()).isEqualTo(TerminationResult.Outcome.TERMINATED);
        }
    }

    @Test
    void anInstanceWithUnknownOrMissingKeysFailsAloneWithTheKeyNamed() {
        TestPlugins.workingPlugin(plugins, "acme", "acme");
        MacaqueConfig config = new MacaqueConfig(null, null, null, null, null, Map.of(
                "typo", Map.of("type", "acme", "region", "r1", "sise", "3"),
                "missing", Map.of("type", "acme"),
                "good", Map.of("type", "acme", "region", "r1"),
                "nope", Map.of("type", "acmee", "region", "r1")));

        try (ProviderInstances instances = ProviderInstances.create(load(), config, Clock.systemUTC())) {
            assertThat(instances.byId("typo").orElseThrow().error()).contains("unknown key 'sise'").contains("did you mean 'size'");
            assertThat(instances.byId("missing").orElseThrow().error()).contains("missing required key 'region'");
            assertThat(instances.byId("nope").orElseThrow().error()).contains("'acmee' is not installed").contains("did you mean 'acme'");
            assertThat(instances.byId("good").orElseThrow().isReady()).isTrue();
        }
    }

    @Test
    void aPluginBuiltForSpiOneZeroStillLoadsAndItsGroupsAreReadThroughTheBatchedReadsDefault() {
        TestPlugins.jar().source("old.Factory", TestPlugins.spiOneZeroFactorySource("old", "old"))
                .service("old.Factory").writeTo(plugins.resolve("old/old.jar"));
        MacaqueConfig config = new MacaqueConfig(null, null, null, null, null, Map.of("old-1", Map.of("type", "old")));

        ProviderCatalog catalog = load();
        assertThat(catalog.errors()).isEmpty();
        assertThat(catalog.byType("old").orElseThrow().factory().spiVersion()).isEqualTo("1.0");
        assertThat(catalog.byType("old").orElseThrow().pluginVersion()).isEmpty();
        try (ProviderInstances instances = ProviderInstances.create(catalog, config, Clock.systemUTC())) {
            CloudProvider old = instances.byId("old-1").orElseThrow().provider();
            GroupRef web = new GroupRef("old-1", "r1", "web");
            GroupRef gone = new GroupRef("old-1", "r1", "gone");

            var batch = old.describeGroups(java.util.List.of(web, gone));

            assertThat(batch.groups()).singleElement().satisfies(g -> assertThat(g.healthyInService()).hasSize(2));
            assertThat(batch.notFound()).containsOnlyKeys(gone);
        }
    }

    @Test
    void aPluginsVersionIsTheImplementationVersionOfItsJarsManifest() {
        String pkg = "versioned";
        TestPlugins.jar().source(pkg + ".Factory", TestPlugins.factorySource(pkg, "versioned", "SpiVersion.CURRENT", "\"v\""))
                .service(pkg + ".Factory").implementationVersion("3.4.5")
                .writeTo(plugins.resolve("versioned/versioned.jar"));
        TestPlugins.workingPlugin(plugins, "plain", "plain");

        ProviderCatalog catalog = load();

        assertThat(catalog.byType("versioned").orElseThrow().pluginVersion()).contains("3.4.5");
        assertThat(catalog.byType("plain").orElseThrow().pluginVersion()).isEmpty();
    }

    @Test
    void instanceKeyProblemsAreReportedWithTheFileLineOfEachKey() throws Exception {
        TestPlugins.workingPlugin(plugins, "acme", "acme");
        Path file = plugins.resolveSibling("macaque-" + System.nanoTime() + ".yaml");
        Files.writeString(file, "providers:\n  typo:\n    type: acme\n    region: r1\n    sise: 3\n  missing:\n    type: acme\n");
        MacaqueConfig config = new dev.macaque.config.ConfigLoader(Map.of()).load(file);

        var problems = ProviderInstances.configurationProblems(load(), config, dev.macaque.config.ConfigKeyLocator.of(file));

        assertThat(problems).containsExactly(
                file + ":6:3: providers.missing: missing required key 'region': the one region",
                file + ":5:5: providers.typo.sise: unknown key 'sise' for provider type 'acme' (did you mean 'size'?);"
                        + " known keys: region, size");
        Files.delete(file);
    }

    @Test
    void aFailedInstanceInLeashedModeSaysItIsLeashed() {
        TestPlugins.workingPlugin(plugins, "acme", "acme");
        MacaqueConfig config = new MacaqueConfig(null, null, null, null, null, Map.of("broken", Map.of("type", "acme")));

        try (ProviderInstances instances = ProviderInstances.create(load(), config, Clock.systemUTC())) {
            ConfiguredProvider broken = instances.byId("broken").orElseThrow();
            assertThat(broken.isReady()).isFalse();
            assertThat(broken.leashed()).isTrue();
        }
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
