package dev.vigil.nfa.expr;

import static dev.vigil.nfa.expr.Fixtures.MATCH;
import static dev.vigil.nfa.expr.Fixtures.PAYMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * {@link Condition#explain}: one case per line, {@code condition => verdict}, against {@link Fixtures#PAYMENT} and
 * {@link Fixtures#MATCH}. A verdict reads {@code held|false <expression>: <what it read>}, the false expression being
 * the smallest part that decided it.
 */
class VerdictTest {

    @TestFactory
    Stream<DynamicTest> aFalseConditionNamesTheSubExpressionThatWasFalseAndTheValuesItSaw() {
        return table("""
                amount > 100                       => false (amount > 100): amount = 12.5
                qty = 3 AND amount > 100           => false (amount > 100): amount = 12.5
                amount > 100 AND qty = 3           => false (amount > 100): amount = 12.5
                qty = 3 AND (amount > 1 AND merchant = 'x') => false (merchant = 'x'): merchant = ACME Corp
                amount > 100 OR merchant = 'x'
                    => false ((amount > 100) OR (merchant = 'x')): amount = 12.5, merchant = ACME Corp
                NOT (qty = 3)                      => false (NOT (qty = 3)): qty = 3
                qty * 2 > 10                       => false ((qty * 2) > 10): (qty * 2) = 6, qty = 3
                probe.n > 100                      => false (LAST(probe.n) > 100): LAST(probe.n) = 30
                COUNT(probe) > 5                   => false (COUNT(probe) > 5): COUNT(probe) = 3
                missing > 1                        => false (missing > 1): missing = null
                off                                => false off: off = false
                merchant IN ('a', 'b')             => false (merchant IN ('a', 'b')): merchant = ACME Corp
                qty + qty > 100                    => false ((qty + qty) > 100): (qty + qty) = 6, qty = 3
                -- text against a number: false, and the text is there to see
                merchant > 1                       => false (merchant > 1): merchant = ACME Corp
                """);
    }

    @TestFactory
    Stream<DynamicTest> aConditionThatHeldShowsWhatItRead() {
        return table("""
                qty = 3                            => held (qty = 3): qty = 3
                flag                               => held flag: flag = true
                qty = 3 AND amount < 100           => held ((qty = 3) AND (amount < 100)): qty = 3, amount = 12.5
                """);
    }

    @Test
    void aVerdictListsAtMostSixteenValues() {
        StringBuilder wide = new StringBuilder("f0 = 1");
        for (int i = 1; i < 20; i++) {
            wide.append(" OR f").append(i).append(" = 1");
        }
        Verdict verdict = Fixtures.COMPILER.condition(ExprText.parse(wide.toString())).explain(PAYMENT, MATCH);
        assertEquals(false, verdict.held());
        assertEquals(Verdict.MAX_VALUES, verdict.values().size());
        assertEquals("f0", verdict.values().get(0).expression());
    }

    private static Stream<DynamicTest> table(String table) {
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : table.replace("\n    =>", " =>").split("\n")) {
            if (line.isBlank() || line.strip().startsWith("--")) {
                continue;
            }
            String[] parts = line.split(" => ", 2);
            String condition = parts[0].strip();
            String expected = parts[1].strip();
            tests.add(DynamicTest.dynamicTest(condition + "  =>  " + expected, () -> {
                Condition compiled = Fixtures.COMPILER.condition(ExprText.parse(condition));
                Verdict verdict = compiled.explain(PAYMENT, MATCH);
                assertEquals(compiled.test(PAYMENT, MATCH), verdict.held(), "the verdict agrees with test");
                assertEquals(expected, render(verdict), condition);
            }));
        }
        return tests.stream();
    }

    private static String render(Verdict verdict) {
        StringBuilder text = new StringBuilder(verdict.held() ? "held " : "false ").append(verdict.expression());
        String separator = ": ";
        for (Verdict.Seen seen : verdict.values()) {
            text.append(separator).append(seen.expression()).append(" = ").append(seen.value());
            separator = ", ";
        }
        return text.toString();
    }
}
