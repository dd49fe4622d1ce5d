package dev.riposte;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on riposte's compiled classes (not the tests'). A
 * failure names each dependency that breaks a rule, class and line.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.riposte");
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.riposte.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theNeutralPackage_dependsOnNoOtherPartOfRiposte() {
        noClasses()
                .that()
                .resideInAPackage("dev.riposte.base")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.riposte",
                        "dev.riposte.audit..",
                        "dev.riposte.cli..",
                        "dev.riposte.config..",
                        "dev.riposte.daemon..",
                        "dev.riposte.dispatch..",
                        "dev.riposte.effect..",
                        "dev.riposte.event..",
                        "dev.riposte.helpers..",
                        "dev.riposte.intake..",
                        "dev.riposte.match..",
                        "dev.riposte.prometheus..",
                        "dev.riposte.sandbox..",
                        "dev.riposte.service..",
                        "dev.riposte.stats..")
                .check(classes);
    }

    @Test
    void theEffects_knowNothingOfTheStagesThatCallThem() {
        noClasses()
                .that()
                .resideInAPackage("dev.riposte.effect..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.riposte.intake..",
                        "dev.riposte.dispatch..",
                        "dev.riposte.match..",
                        "dev.riposte.sandbox..",
                        "dev.riposte.helpers..",
                        "dev.riposte.audit..",
                        "dev.riposte.prometheus..",
                        "dev.riposte.service..",
                        "dev.riposte.daemon..",
                        "dev.riposte.cli..")
                .check(classes);
    }

    @Test
    void intake_handsEventsToTheDispatcher_andReachesNoFurther() {
        noClasses()
                .that()
                .resideInAPackage("dev.riposte.intake..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.riposte.match..",
                        "dev.riposte.sandbox..",
                        "dev.riposte.helpers..",
                        "dev.riposte.effect",
                        "dev.riposte.effect.files..",
                        "dev.riposte.effect.netpolicy..",
                        "dev.riposte.effect.process..",
                        "dev.riposte.effect.emergency..",
                        "dev.riposte.audit..",
                        "dev.riposte.daemon..",
                        "dev.riposte.cli..")
                .check(classes);
    }

    @Test
    void onlyTheCommandLine_buildsADaemon_andNothingDependsOnTheCommandLine() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.riposte.cli..", "dev.riposte.daemon..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.riposte.daemon..")
                .check(classes);
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.riposte", "dev.riposte.cli..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.riposte.cli..")
                .check(classes);
    }

    @Test
    void nativeCode_isCalledOnlyFromTheOneNativeLayer() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.riposte.effect.os")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("java.lang.foreign")
                .check(classes);
    }
}
