package dev.macaque.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

/**
 * The server's feature packages form no cycle (each can be read, tested and changed on its own), and the engine
 * module never reaches back into the server.
 */
class ServerArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // test fixtures and contract kits come as *-tests.jar, which the predefined option does not recognise
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.macaque");

    @Test
    void serverPackagesFormNoCycle() {
        ArchRule rule = slices().matching("dev.macaque.(**)").should().beFreeOfCycles();
        rule.check(MAIN);
    }

    @Test
    void theEngineModuleUsesNothingOfTheServer() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.macaque.engine..", "dev.macaque.schedule..",
                        "dev.macaque.simulate..", "dev.macaque.simulated..", "dev.macaque.text..", "dev.macaque.spi..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.macaque.audit..", "dev.macaque.auth..",
                        "dev.macaque.chaosmonkey..", "dev.macaque.cli..", "dev.macaque.cluster..", "dev.macaque.config..",
                        "dev.macaque.experiments..", "dev.macaque.groups..", "dev.macaque.http..", "dev.macaque.killswitch..",
                        "dev.macaque.logging..", "dev.macaque.metrics..", "dev.macaque.notify..", "dev.macaque.plugin..",
                        "dev.macaque.store..");
        rule.check(MAIN);
    }

    /**
     * A recorder that decides intents against the fleet ({@code recordIntent}) must decide a zone outage's batch the
     * same way ({@code recordIntents}): the interface's default decides against no fleet at all, so a recorder that
     * forgot it would let an outage past the fleet budgets (a merge once dropped the server's override, and a budget
     * of one kill an hour let two through).
     */
    @Test
    void everyRecorderThatDecidesIntentsAgainstTheFleetDecidesBatchesToo() {
        ArchRule rule = classes().that().implement(dev.macaque.engine.RunRecorder.class)
                .should(new ArchCondition<JavaClass>("override recordIntents when they override recordIntent") {
                    @Override
                    public void check(JavaClass recorder, ConditionEvents events) {
                        boolean single = recorder.getMethods().stream().anyMatch(m -> m.getName().equals("recordIntent"));
                        boolean batch = recorder.getMethods().stream().anyMatch(m -> m.getName().equals("recordIntents"));
                        if (single && !batch) {
                            events.add(SimpleConditionEvent.violated(recorder, recorder.getName()
                                    + " overrides recordIntent but not recordIntents"));
                        }
                    }
                });
        rule.check(MAIN);
    }
}
