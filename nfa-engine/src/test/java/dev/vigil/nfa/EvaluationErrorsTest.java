package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Data of the wrong kind (or a division by zero) never stops a rule: the expression is unknown, the event simply
 * does not match, and the rule's evaluation-error counter says so. Missing fields are not errors.
 */
class EvaluationErrorsTest {
    private static final String RULES = """
            RULE big FROM payments PARTITION BY card
              PATTERN a
              DEFINE a AS amount > 100
              EMIT per_item = a.amount / a.items, root = SQRT(a.amount - 1000);
            RULE flagged FROM payments PARTITION BY card
              PATTERN f
              DEFINE f AS flag
            """;

    @Test
    void wrongKindsAndDivisionByZeroAreCountedPerRuleAndNeverThrow() {
        List<Alert> alerts = new ArrayList<>();
        Engine engine = new Engine(RuleCompiler.compile("errors.cep", RULES).rules(), EngineConfig.defaults(),
                new EngineListener() {
                    @Override
                    public void onAlert(Alert alert) {
                        alerts.add(alert);
                    }

                    @Override
                    public void onLateEvent(LateEvent late) {
                    }
                });
        engine.offer(event(1, "lots", 2L, true));     // big: text compared with a number (1 error); flagged
        engine.offer(event(2, 500L, 0L, "yes"));      // big: divides by zero, SQRT(-500) (2); flagged: "yes" (1)
        engine.offer(event(3, 2_000L, 4L, null));     // big: fine (no error); flagged: missing flag is no error
        engine.finish();

        assertEquals(List.of("flagged", "big", "big"), alerts.stream().map(Alert::rule).toList());
        Map<String, Object> unknown = alerts.get(1).fields();
        assertTrue(unknown.get("per_item") == null && unknown.get("root") == null, "unknown, not an exception");
        assertEquals(500.0, alerts.get(2).fields().get("per_item"));
        Map<String, Long> errors = new LinkedHashMap<>();
        for (RuleCounters rule : engine.counters().rules()) {
            errors.put(rule.rule(), rule.evaluationErrors());
        }
        assertEquals(Map.of("big", 3L, "flagged", 1L), errors);
    }

    private static Event event(long sequence, Object amount, Object items, Object flag) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("card", "c" + sequence);
        fields.put("amount", amount);
        fields.put("items", items);
        if (flag != null) {
            fields.put("flag", flag);
        }
        fields.put("ts", 1_000 * sequence);
        return new Event("payments", 1_000 * sequence, sequence, fields);
    }
}
