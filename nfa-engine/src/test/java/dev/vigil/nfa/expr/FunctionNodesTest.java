package dev.vigil.nfa.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Functions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the engine builds the functions of the language's one catalogue ({@code dev.vigil.dsl.Functions}). That
 * every function has a builder is checked by the compiler (an exhaustive switch); these tests pin the kinds and
 * the arity text of the compiler's messages.
 */
class FunctionNodesTest {

    @Test
    void theEngineBuildsEveryFunctionOfTheLanguage() {
        List<String> built = new ArrayList<>();
        for (Functions.Signature function : Functions.all()) {
            assertNotNull(FunctionNodes.of(function), function.name());
            built.add(function.name());
        }
        assertEquals(List.of(
                "LOWER", "UPPER", "LENGTH", "TRIM", "SUBSTRING", "CONCAT", "STARTS_WITH", "ENDS_WITH", "CONTAINS",
                "REPLACE", "ABS", "ROUND", "FLOOR", "CEIL", "SQRT", "POWER", "LN", "LOG10", "EXP", "GREATEST",
                "LEAST", "COALESCE", "GEO_DISTANCE", "COUNT", "FIRST", "LAST", "SUM", "AVG", "MIN", "MAX"), built);
    }

    @Test
    void aritiesAreThoseOfTheLanguage() {
        List<String> arities = new ArrayList<>();
        for (Functions.Signature function : Functions.all()) {
            arities.add(function.name() + "/" + FunctionNodes.arity(function));
        }
        assertEquals(List.of(
                "LOWER/1", "UPPER/1", "LENGTH/1", "TRIM/1", "SUBSTRING/2..3", "CONCAT/2..", "STARTS_WITH/2",
                "ENDS_WITH/2", "CONTAINS/2", "REPLACE/3", "ABS/1", "ROUND/1..2", "FLOOR/1", "CEIL/1", "SQRT/1",
                "POWER/2", "LN/1", "LOG10/1", "EXP/1", "GREATEST/2..", "LEAST/2..", "COALESCE/2..",
                "GEO_DISTANCE/4", "COUNT/1", "FIRST/1", "LAST/1", "SUM/1", "AVG/1", "MIN/1", "MAX/1"), arities);
    }

    @Test
    void onlyTheAggregatesAreBuiltByTheCompiler() {
        List<String> aggregates = new ArrayList<>();
        for (Functions.Signature function : Functions.all()) {
            if (FunctionNodes.of(function) instanceof FunctionNodes.AggregateBuilder) {
                aggregates.add(function.name());
            }
        }
        assertEquals(List.of("COUNT", "FIRST", "LAST", "SUM", "AVG", "MIN", "MAX"), aggregates);
    }

    @Test
    void variadicFunctionsAcceptAnyNumberOfArgumentsAboveTheirMinimum() {
        Functions.Signature concat = Functions.lookup("CONCAT");
        assertFalse(concat.accepts(1));
        assertTrue(concat.accepts(2));
        assertTrue(concat.accepts(50));
        assertEquals("'abcdefghij'", Values.literal(Fixtures.COMPILER
                .value(ExprText.parse("CONCAT('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j')"))
                .evaluate(Fixtures.PAYMENT, MatchView.EMPTY)));
    }
}
