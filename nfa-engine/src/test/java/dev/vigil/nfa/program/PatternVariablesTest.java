package dev.vigil.nfa.program;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PatternVariablesTest {
    @Test
    void variablesAreNumberedByFirstAppearanceIncludingGroupsAndNegations() {
        assertEquals(List.of("login", "fail", "ok", "lock", "pay"),
                PatternVariables.of(MiniPattern.parse("login -> (fail ok?){2} -> !lock -> pay")));
    }

    @Test
    void guardsPrintLikeTheirConditions() {
        Guard b = new Guard.Defined(1, "b", dev.vigil.nfa.expr.Condition.TRUE);
        Guard until = new Guard.Until(1, "b", dev.vigil.nfa.expr.Condition.TRUE);
        assertEquals("!until(b) & b", new Guard.And(new Guard.Not(until), b).toString());
        assertEquals("!(b & true)", new Guard.Not(new Guard.And(b, Guard.TRUE)).toString());
    }
}
