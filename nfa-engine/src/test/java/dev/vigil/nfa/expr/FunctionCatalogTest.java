package dev.vigil.nfa.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's function catalogue. The rule language's checker keeps the same list in
 * {@code dev.vigil.dsl.Functions}; when either changes, both must.
 */
class FunctionCatalogTest {

    @Test
    void catalogueListsExactlyTheFunctionsOfTheLanguage() {
        assertEquals(List.of(
                "LOWER", "UPPER", "LENGTH", "TRIM", "SUBSTRING", "CONCAT", "STARTS_WITH", "ENDS_WITH", "CONTAINS",
                "REPLACE", "ABS", "ROUND", "FLOOR", "CEIL", "SQRT", "POWER", "LN", "LOG10", "EXP", "GREATEST",
                "LEAST", "COALESCE", "GEO_DISTANCE", "COUNT", "FIRST", "LAST", "SUM", "AVG", "MIN", "MAX"),
                List.copyOf(FunctionCatalog.names()));
    }

    @Test
    void aritiesAreThoseOfTheLanguage() {
        List<String> arities = new ArrayList<>();
        for (String name : FunctionCatalog.names()) {
            arities.add(name + "/" + FunctionCatalog.lookup(name).arity());
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
        for (String name : FunctionCatalog.names()) {
            if (FunctionCatalog.lookup(name).isAggregate()) {
                aggregates.add(name);
            }
        }
        assertEquals(List.of("COUNT", "FIRST", "LAST", "SUM", "AVG", "MIN", "MAX"), aggregates);
    }

    @Test
    void variadicFunctionsAcceptAnyNumberOfArgumentsAboveTheirMinimum() {
        FunctionCatalog.Function concat = FunctionCatalog.lookup("CONCAT");
        assertFalse(concat.accepts(1));
        assertTrue(concat.accepts(2));
        assertTrue(concat.accepts(50));
        assertEquals("'abcdefghij'", Values.literal(Fixtures.COMPILER
                .value(ExprText.parse("CONCAT('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j')"))
                .evaluate(Fixtures.PAYMENT, MatchView.EMPTY)));
    }

    @Test
    void namesAreUpperCase() {
        assertNull(FunctionCatalog.lookup("lower"));
    }
}
