package dev.vigil.nfa.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vigil.dsl.Functions;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The checker's catalogue (cep-dsl) and the evaluator's must list the same functions with the same arities. */
class CatalogAgreementTest {
    @Test
    void everyFunctionTheCheckerAcceptsIsImplementedWithTheSameArity() {
        assertEquals(new TreeSet<>(Functions.names()), new TreeSet<>(FunctionCatalog.names()));
        for (Functions.Signature signature : Functions.all()) {
            FunctionCatalog.Function implemented = FunctionCatalog.lookup(signature.name());
            assertNotNull(implemented, signature.name());
            int max = signature.maxArgs() == Functions.VARIADIC ? FunctionCatalog.UNBOUNDED : signature.maxArgs();
            assertEquals(signature.minArgs() + ".." + max,
                    implemented.minArity() + ".." + implemented.maxArity(), signature.name());
            assertEquals(signature.isAggregate(), implemented.isAggregate(), signature.name());
        }
    }
}
