package dev.vigil.nfa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.nfa.program.Nfa;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CompiledRule#automaton()} shows the NFA the engine runs, state by state and edge by edge. */
class AutomatonTest {
    private static final String RULE = """
            RULE spike FROM payments PARTITION BY card
              PATTERN small+ -> big
              DEFINE small AS amount < 2, big AS amount >= 500
              WITHIN 10 SECONDS
              AFTER MATCH SKIP TO LAST small
            """;

    @Test
    void everyStateAndEdgeOfTheNfaIsShownWithItsTextAndDot() {
        CompiledRule rule = compile(RULE);
        Nfa nfa = rule.program().nfa();
        Automaton shown = rule.automaton();

        assertEquals(nfa.describe(), shown.text());
        assertEquals(nfa.toDot(), shown.dot());
        assertEquals(nfa.startState(), shown.start());
        assertEquals(10_000L, shown.windowMs());
        assertEquals(AfterMatchSkip.Kind.TO_LAST, shown.skip());
        assertEquals("small", shown.skipVariable());
        assertEquals(List.of("small", "big"), shown.variables());
        assertEquals(nfa.states().size(), shown.states().size());
        for (Nfa.State state : nfa.states()) {
            Automaton.State view = shown.states().get(state.id());
            assertEquals(state.id(), view.id());
            assertEquals(state.name(), view.name());
            assertEquals(state.kind().name().toLowerCase(), view.kind());
            assertEquals(state.variable() < 0 ? null : nfa.variables().get(state.variable()), view.variable());
            assertEquals(state.gapWindowMs(), view.gapWindowMs());
            assertEquals(state.edges().size(), view.edges().size());
            for (int i = 0; i < state.edges().size(); i++) {
                Nfa.Edge edge = state.edges().get(i);
                Automaton.Edge edgeView = view.edges().get(i);
                assertEquals(edge.action().name().toLowerCase(), edgeView.action());
                assertEquals(edge.target(), edgeView.target());
                assertEquals(edge.guard().toString(), edgeView.guard());
                assertEquals(edge.guard().conditionText(), edgeView.condition());
            }
        }
        assertEquals("start", shown.states().get(shown.start()).kind());
        assertSame(shown, rule.automaton(), "built once");
    }

    @Test
    void edgesShowTheirConditionsWrittenOutBesideTheVariablesTheyTest() {
        Automaton shown = compile("""
                RULE cart FROM shop PARTITION BY user
                  PATTERN open -> item+ -> done
                  DEFINE open AS action = 'open', item AS action = 'add' UNTIL action = 'checkout',
                    done AS action = 'pay'
                """).automaton();
        StringBuilder edges = new StringBuilder();
        for (Automaton.State state : shown.states()) {
            for (Automaton.Edge edge : state.edges()) {
                edges.append(state.name()).append(' ').append(edge.action()).append(' ').append(edge.guard())
                        .append(" = ").append(edge.condition()).append('\n');
            }
        }
        assertEquals("""
                done take done = (action = 'pay')
                done ignore !done = NOT (action = 'pay')
                item proceed true = true
                item take !until(item) & item = NOT (action = 'checkout') AND (action = 'add')
                item ignore !until(item) & !item = NOT (action = 'checkout') AND NOT (action = 'add')
                item:0 take !until(item) & item = NOT (action = 'checkout') AND (action = 'add')
                item:0 ignore !until(item) & !item = NOT (action = 'checkout') AND NOT (action = 'add')
                item:1 take !until(item) & item = NOT (action = 'checkout') AND (action = 'add')
                item:1 ignore !item = NOT (action = 'add')
                open take open = (action = 'open')
                """, edges.toString());
    }

    @Test
    void aRuleWithoutWindowOrSkipVariableShowsNone() {
        Automaton shown = compile("RULE one FROM s PATTERN a DEFINE a AS x > 1").automaton();
        assertEquals(0, shown.windowMs());
        assertNull(shown.skipVariable());
        assertTrue(shown.states().stream().anyMatch(state -> "a".equals(state.variable())), shown.text());
    }

    private static CompiledRule compile(String text) {
        CompileResult result = RuleCompiler.compile("rule.cep", text);
        assertTrue(result.ok(), result.diagnostics().toString());
        return result.rules().get(0);
    }
}
