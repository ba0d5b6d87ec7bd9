package dev.vigil.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The server's tree is its pipeline: one package per stage (source, sequencer, log, shard, checkpoint, alerts, and
 * http, rules, metrics, config beside them), no package cycle among them, and a root package that holds only the
 * composition root ({@code VigilServer}), on which no stage depends. Checked on the compiled main classes.
 */
class PackageStructureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vigil");
    }

    @Test
    void theServersPackagesHaveNoCycle() {
        slices().matching("dev.vigil.server.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theProjectsPackagesHaveNoCycle() {
        slices().matching("dev.vigil.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theRootPackageHoldsOnlyTheCompositionRoot() {
        classes().that().resideInAPackage("dev.vigil.server").and().doNotHaveSimpleName("package-info")
                .should().haveNameMatching("dev\\.vigil\\.server\\.VigilServer(\\$.*)?").check(main);
    }

    @Test
    void noStageDependsOnTheCompositionRoot() {
        noClasses().that().resideInAPackage("dev.vigil.server.*..").should().dependOnClassesThat()
                .resideInAPackage("dev.vigil.server").check(main);
    }
}
