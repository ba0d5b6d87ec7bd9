package dev.vigil.nfa.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.nfa.program.Nfa;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** State names are Flink's ({@code NFAStateNameHandler}): the base name, else {@code base:n} for the first free n. */
class StateGraphTest {

    @Test
    void namesAreFlinksEvenWhenAnotherBaseNameTookOneOfTheNumberedNames() {
        StateGraph graph = new StateGraph(Budget.unlimited());
        List<String> names = new ArrayList<>();
        for (String base : List.of("a:1", "a", "a", "a", "b", "a", "a:0", "a:0", "b")) {
            names.add(graph.create(base, Nfa.Kind.NORMAL, -1).name);
        }
        assertEquals(List.of("a:1", "a", "a:0", "a:2", "b", "a:3", "a:0:0", "a:0:1", "b:0"), names);
    }

    @Test
    void manyStatesOfOneNameAreNumberedInOrder() {
        StateGraph graph = new StateGraph(Budget.unlimited());
        graph.create("a", Nfa.Kind.NORMAL, -1);
        for (int i = 0; i < 100_000; i++) {
            assertEquals("a:" + i, graph.create("a", Nfa.Kind.NORMAL, -1).name);
        }
    }
}
