package dev.vigil.nfa.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * Helpers for the focused tests that pin one difference found by the differential test: a hand-written
 * Flink pattern and the Vigil rule meaning the same, run side by side on a few events of one key.
 */
final class SideBySide {
    private SideBySide() {}

    /**
     * Events of key {@code k} written as {@code "A@1"}: type A at timestamp 1; value 0, ids 1, 2, ... in
     * the order given.
     */
    static List<CaseEvent> events(String... events) {
        List<CaseEvent> list = new ArrayList<>();
        for (String event : events) {
            String[] parts = event.split("@");
            list.add(new CaseEvent("k", parts[0], 0, list.size() + 1, Long.parseLong(parts[1])));
        }
        return list;
    }

    /** {@code type = 'X'} as a Flink condition. */
    static IterativeCondition<CaseEvent> type(String type) {
        return new FlinkCondition(new CaseCondition.TypeIs(type));
    }

    /** What Flink emits for key {@code k}, as {@link Outcome} prints it. */
    static String flink(Pattern<CaseEvent, ?> pattern, boolean timeouts, List<CaseEvent> events) {
        try {
            return FlinkCep.run(pattern, timeouts, 0, events).toString();
        } catch (Exception e) {
            throw new IllegalStateException("Flink CEP failed", e);
        }
    }

    /** What Vigil emits for key {@code k}, or its rejection of the rule. */
    static String vigil(String ruleText, List<CaseEvent> events) {
        CepUnderTest.Result result = VigilCep.run(ruleText, 0, events);
        if (result instanceof CepUnderTest.Ran ran) {
            return ran.outcome().toString();
        }
        return "rejected: " + (result instanceof CepUnderTest.Rejected rejected ? rejected.reason() : result);
    }

    /** Vigil refuses the rule with a diagnostic (a documented difference: Flink accepts it). */
    static void assertVigilRejects(String ruleText, List<CaseEvent> events) {
        String vigil = vigil(ruleText, events);
        assertTrue(vigil.startsWith("rejected: case.cep:"), "Vigil now accepts\n" + ruleText + vigil);
    }

    /** Vigil must emit what Flink emits. */
    static void assertVigilAgrees(String flinkOutcome, String ruleText, List<CaseEvent> events) {
        assertEquals(flinkOutcome, vigil(ruleText, events), "Vigil differs from Flink CEP 1.20 on\n" + ruleText);
    }
}
