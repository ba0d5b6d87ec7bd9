package dev.vigil.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.vigil.cli.Vigil;
import dev.vigil.loadgen.LoadGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The command line's packages ({@code cli}, {@code client}, {@code loadgen}) keep the rules the server module's
 * architecture tests held them to while they were there ({@code PackageStructureTest}, {@code EngineApiTest}): no
 * package cycle among them, and of the engine and the rule language only the exported packages
 * ({@code dev.vigil.nfa}, {@code dev.vigil.dsl}, {@code dev.vigil.dsl.ast}). That the server does not depend on the
 * command line needs no test: module server cannot see module cli. Checked on the compiled main classes.
 */
class CommandLineStructureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vigil.cli", "dev.vigil.client", "dev.vigil.loadgen");
        assertTrue(main.contain(Vigil.class) && main.contain(LoadGenerator.class), "the main classes were found");
    }

    @Test
    void theCommandLinesPackagesHaveNoCycle() {
        slices().matching("dev.vigil.(*)..").should().beFreeOfCycles().check(main);
    }

    @Test
    void theCommandLineUsesOnlyTheEnginesExportedPackages() {
        DescribedPredicate<JavaClass> internal = resideInAnyPackage("dev.vigil.nfa.*..", "dev.vigil.dsl.*..")
                .and(not(resideInAnyPackage("dev.vigil.dsl.ast", "dev.vigil.dsl.ruletest",
                        "dev.vigil.nfa.rocksdb..")))
                .as("are internal to the engine or the rule language");
        noClasses().should().dependOnClassesThat(internal)
                .because("the engine's API is dev.vigil.nfa, dev.vigil.dsl and dev.vigil.dsl.ast (their module-info"
                        + " exports), and the command line runs on the class path where exports are not enforced")
                .check(main);
    }
}
