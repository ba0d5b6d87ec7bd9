package dev.vigil.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The function catalogue is the contract with the engine: exactly these names, arities and result kinds. */
class FunctionsTest {

    @Test
    void theCatalogueHoldsExactlyTheLanguagesFunctions() {
        assertEquals(List.of("LOWER", "UPPER", "LENGTH", "TRIM", "SUBSTRING", "CONCAT", "STARTS_WITH", "ENDS_WITH",
                "CONTAINS", "REPLACE", "ABS", "ROUND", "FLOOR", "CEIL", "SQRT", "POWER", "LN", "LOG10", "EXP",
                "GREATEST", "LEAST", "COALESCE", "GEO_DISTANCE", "COUNT", "FIRST", "LAST", "SUM", "AVG", "MIN", "MAX"),
                Functions.names());
    }

    @Test
    void aritiesFollowTheDocumentedSignatures() {
        assertArity("SUBSTRING", 2, 3);
        assertArity("ROUND", 1, 2);
        assertArity("GEO_DISTANCE", 4, 4);
        assertArity("REPLACE", 3, 3);
        assertArity("CONCAT", 2, Functions.VARIADIC);
        assertArity("COALESCE", 2, Functions.VARIADIC);
        assertArity("COUNT", 1, 1);
        assertTrue(Functions.lookup("GREATEST").accepts(7));
        assertFalse(Functions.lookup("LOWER").accepts(2));
    }

    @Test
    void lookupIgnoresCaseAndUnknownNamesAreNull() {
        assertEquals("STARTS_WITH", Functions.lookup("starts_with").name());
        assertNull(Functions.lookup("FROBNICATE"));
    }

    @Test
    void aggregatesTakeAVariableOrAVariablesField() {
        assertEquals(Functions.Param.VARIABLE, Functions.lookup("COUNT").param(0));
        for (String name : List.of("FIRST", "LAST", "SUM", "AVG", "MIN", "MAX")) {
            assertTrue(Functions.lookup(name).isAggregate(), name);
            assertEquals(Functions.Param.VARIABLE_FIELD, Functions.lookup(name).param(0), name);
        }
        assertFalse(Functions.lookup("GREATEST").isAggregate());
    }

    @Test
    void variadicParametersRepeatTheirLastKind() {
        Functions.Signature concat = Functions.lookup("CONCAT");
        assertEquals(Functions.Param.ANY, concat.param(5));
        assertEquals("at least 2 arguments", concat.arityText());
        assertEquals("2 or 3 arguments", Functions.lookup("SUBSTRING").arityText());
        assertEquals("1 argument", Functions.lookup("LN").arityText());
    }

    @Test
    void everyUsageStartsWithTheFunctionName() {
        for (Functions.Signature signature : Functions.all()) {
            assertTrue(signature.usage().startsWith(signature.name() + "("), signature.usage());
        }
    }

    private static void assertArity(String name, int min, int max) {
        Functions.Signature signature = Functions.lookup(name);
        assertEquals(min, signature.minArgs(), name);
        assertEquals(max, signature.maxArgs(), name);
    }
}
