package dev.macaque.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The engine module is the domain core: it may use the SPI, the simulated world, the shared text conventions, the JDK
 * and Jackson, and nothing else — no HTTP, database, dependency injection, cloud SDK or server package. Its packages
 * form no cycle. Each rule is also shown to fail on a deliberately bad class, so that a rule that checks nothing
 * cannot pass unnoticed.
 */
class EngineArchitectureTest {
    static final String[] ENGINE_PACKAGES = {"dev.macaque.engine..", "dev.macaque.schedule..", "dev.macaque.simulate.."};

    /** What engine code may depend on. */
    static final ArchRule ENGINE_DEPENDS_ONLY_ON_ITS_ALLOWED_LIBRARIES = classes()
            .that().resideInAnyPackage(ENGINE_PACKAGES)
            .should().onlyDependOnClassesThat().resideInAnyPackage(
                    "dev.macaque.engine..", "dev.macaque.schedule..", "dev.macaque.simulate..",
                    "dev.macaque.spi..", "dev.macaque.simulated..", "dev.macaque.text..",
                    "java.lang..", "java.util..", "java.time..", "java.io..", "java.nio..", "java.math..", "java.net..",
                    "java.security..", "java.text..",
                    "com.fasterxml.jackson..")
            .because("the engine depends on nothing of the server (see docs/engine.md)");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.macaque.(**)").should().beFreeOfCycles();

    private static JavaClasses engineMain() {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.macaque.engine", "dev.macaque.schedule", "dev.macaque.simulate");
    }

    @Test
    void engineCodeDependsOnlyOnTheSpiTheWorldTheJdkAndJackson() {
        ENGINE_DEPENDS_ONLY_ON_ITS_ALLOWED_LIBRARIES.check(engineMain());
    }

    @Test
    void enginePackagesFormNoCycle() {
        NO_PACKAGE_CYCLES.check(engineMain());
    }

    @Test
    void theDependencyRuleFailsOnEngineCodeThatUsesJdbc() {
        JavaClasses bad = new ClassFileImporter().importClasses(
                dev.macaque.engine.ArchitectureFixtureUsingJdbc.class);
        assertThatThrownBy(() -> ENGINE_DEPENDS_ONLY_ON_ITS_ALLOWED_LIBRARIES.check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("java.sql.Connection");
    }

    @Test
    void theCycleRuleFailsOnTwoPackagesThatUseEachOther() {
        JavaClasses bad = new ClassFileImporter().importPackages("dev.macaque.architecture.fixture");
        assertThatThrownBy(() -> NO_PACKAGE_CYCLES.check(bad))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Cycle detected");
    }
}
