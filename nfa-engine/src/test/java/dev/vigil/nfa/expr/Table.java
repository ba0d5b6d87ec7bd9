package dev.vigil.nfa.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;

/**
 * Table-style expression tests: one case per line, {@code expression => expected}, compiled with the
 * {@link Fixtures} variables and evaluated against an event and a match. Blank lines and lines starting
 * with {@code --} are skipped.
 *
 * <p>Expected values: {@code null}, {@code true}, {@code false}, {@code 'text'}, a Long ({@code 3}), a
 * Double ({@code 3.0}, {@code 1e300}), or {@code ~x} for a Double within 1e-9 (relative) of x. Values
 * are compared by type and value, so {@code 3} and {@code 3.0} are different expectations.
 */
final class Table {
    private Table() {}

    /** Each line's expression compiled with {@code value()}. */
    static Stream<DynamicTest> values(Event event, MatchView match, String table) {
        return cases(table).stream().map(c -> DynamicTest.dynamicTest(c[0] + "  =>  " + c[1], () -> {
            Object actual = Fixtures.COMPILER.value(ExprText.parse(c[0])).evaluate(event, match);
            assertValue(c[1], actual, c[0]);
        }));
    }

    /** Each line's expression compiled with {@code condition()}; expected is true or false. */
    static Stream<DynamicTest> conditions(Event event, MatchView match, String table) {
        return cases(table).stream().map(c -> DynamicTest.dynamicTest(c[0] + "  =>  " + c[1], () -> {
            if (!c[1].equals("true") && !c[1].equals("false")) {
                throw new IllegalArgumentException("a condition table expects true or false: " + c[1]);
            }
            boolean actual = Fixtures.COMPILER.condition(ExprText.parse(c[0])).test(event, match);
            assertEquals(Boolean.parseBoolean(c[1]), actual, c[0]);
        }));
    }

    static void assertValue(String expected, Object actual, String expression) {
        if (expected.startsWith("~")) {
            double want = Double.parseDouble(expected.substring(1));
            assertTrue(actual instanceof Double, expression + " should be a Double, was " + describe(actual));
            double got = (Double) actual;
            assertTrue(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)),
                    expression + " = " + got + ", expected about " + want);
            return;
        }
        assertEquals(describe(parseExpected(expected)), describe(actual), expression);
    }

    private static Object parseExpected(String text) {
        if (text.equals("null")) {
            return null;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        if (text.startsWith("'") && text.endsWith("'") && text.length() >= 2) {
            return text.substring(1, text.length() - 1).replace("''", "'");
        }
        if (text.contains(".") || text.contains("e") || text.contains("E") || text.contains("Infinity")) {
            return Double.parseDouble(text);
        }
        return Long.parseLong(text);
    }

    /** Value and type, so that a Long 3 and a Double 3.0 never compare equal by accident. */
    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }

    private static List<String[]> cases(String table) {
        List<String[]> cases = new ArrayList<>();
        for (String line : table.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            int arrow = trimmed.lastIndexOf("=>");
            if (arrow < 0) {
                throw new IllegalArgumentException("no => in table line: " + line);
            }
            cases.add(new String[] {trimmed.substring(0, arrow).strip(), trimmed.substring(arrow + 2).strip()});
        }
        return cases;
    }
}
