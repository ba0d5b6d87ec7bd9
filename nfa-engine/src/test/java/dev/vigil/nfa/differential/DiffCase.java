package dev.vigil.nfa.differential;

import dev.vigil.dsl.ast.Rule;
import java.util.List;
import java.util.Map;

/**
 * One generated differential case: a rule, the Java faces of its conditions, and a keyed event stream.
 *
 * @param seed reruns exactly this case with {@code -Dvigil.diff.seed=<seed>}
 * @param rule the rule as Vigil's AST; its {@code DEFINE}/{@code UNTIL} expressions are the
 *     {@link CaseCondition#expr()} of {@code conditions}/{@code untils}
 * @param conditions per defined variable, the condition (undefined variables are absent)
 * @param untils per looping variable with {@code UNTIL}, the stop condition
 * @param watermarkDelayMs bounded out-of-orderness: watermark = max timestamp seen − delay − 1
 * @param events in arrival order
 */
record DiffCase(long seed, Rule rule, Map<String, CaseCondition> conditions, Map<String, CaseCondition> untils,
        long watermarkDelayMs, List<CaseEvent> events) {
    DiffCase {
        conditions = Map.copyOf(conditions);
        untils = Map.copyOf(untils);
        events = List.copyOf(events);
    }

    String eventsText() {
        StringBuilder out = new StringBuilder();
        for (CaseEvent event : events) {
            out.append("  ").append(event).append('\n');
        }
        return out.toString();
    }
}
