package dev.macaque.spi.contract;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The rule every provider plugin keeps: of Macaque it uses the SPI ({@code dev.macaque.spi}) and nothing else, so
 * that it builds against the SPI jar alone and never reaches into the server. A provider's test calls
 * {@link #check(String)} with its own base package.
 */
public final class ProviderIsolationRule {
    private ProviderIsolationRule() {
    }

    public static ArchRule rule(String ownPackage) {
        return noClasses().that().resideInAPackage(ownPackage + "..")
                .should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("dev.macaque..")
                        .and(JavaClass.Predicates.resideOutsideOfPackages("dev.macaque.spi", ownPackage + "..")))
                .because("a provider uses nothing of Macaque but the SPI (dev.macaque.spi; not even the contract kit in main code)");
    }

    /** Checks the provider's main classes (not its tests, which may use the contract kit). */
    public static void check(String ownPackage) {
        JavaClasses main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages(ownPackage);
        rule(ownPackage).check(main);
    }
}
