package dev.vigil.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's API boundary, on the class path where the server, the connectors and the RocksDB key store run and
 * where the engine modules' {@code module-info} is not enforced: outside the engine ({@code dev.vigil.nfa..}) and
 * the rule language ({@code dev.vigil.dsl..}), code uses only their exported packages {@code dev.vigil.nfa},
 * {@code dev.vigil.dsl}, {@code dev.vigil.dsl.ast} and {@code dev.vigil.dsl.ruletest}. And inside them, no package
 * cycle. Main classes only (tests may look inside: they are patched into the modules).
 */
class EngineApiTest {
    /** The packages of modules cep-dsl and nfa-engine: they may use their own internals. */
    private static final String[] ENGINE_PACKAGES = {"dev.vigil.dsl..", "dev.vigil.nfa", "dev.vigil.nfa.compile..",
        "dev.vigil.nfa.expr..", "dev.vigil.nfa.match..", "dev.vigil.nfa.program..", "dev.vigil.nfa.runtime..",
        "dev.vigil.nfa.state.."};
    /** Sub-packages of dev.vigil.nfa and dev.vigil.dsl that are not internals: the AST, rule tests, other modules'. */
    private static final String[] EXPORTED_SUB_PACKAGES = {"dev.vigil.dsl.ast", "dev.vigil.dsl.ruletest",
        "dev.vigil.nfa.rocksdb.."};

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.vigil");
    }

    @Test
    void codeOutsideTheEngineUsesOnlyItsExportedPackages() {
        DescribedPredicate<JavaClass> internal = resideInAnyPackage("dev.vigil.nfa.*..", "dev.vigil.dsl.*..")
                .and(not(resideInAnyPackage(EXPORTED_SUB_PACKAGES)))
                .as("are internal to the engine or the rule language");
        noClasses().that().resideOutsideOfPackages(ENGINE_PACKAGES).should().dependOnClassesThat(internal)
                .because("the engine's API is dev.vigil.nfa, dev.vigil.dsl, dev.vigil.dsl.ast and "
                        + "dev.vigil.dsl.ruletest (their module-info exports), and the server runs on the class path "
                        + "where exports are not enforced")
                .check(classes);
    }

    @Test
    void theEnginesPackagesHaveNoCycle() {
        slices().matching("dev.vigil.nfa.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theRuleLanguagesPackagesHaveNoCycle() {
        slices().matching("dev.vigil.dsl.(*)..").should().beFreeOfCycles().check(classes);
    }
}
