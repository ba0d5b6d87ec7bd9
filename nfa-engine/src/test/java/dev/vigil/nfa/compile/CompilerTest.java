package dev.vigil.nfa.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.program.MiniPattern;
import dev.vigil.nfa.program.Nfa;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Golden state graphs: the states and edges Flink CEP 1.20's NFACompiler builds for the same pattern, in its
 * creation order (final state first, start state last).
 */
class CompilerTest {
    private static final AfterMatchSkip PAST_LAST = AfterMatchSkip.pastLastEvent(Span.NONE);

    private static Nfa compile(String pattern) {
        return compile(pattern, Map.of(), -1, -1, PAST_LAST);
    }

    private static Nfa compile(String pattern, Map<String, Condition> untils, long within, long gap,
            AfterMatchSkip skip) {
        return NfaCompiler.compile(MiniPattern.parse(pattern), Map.of(), untils, within, gap, skip);
    }

    private static void assertRejected(String pattern, String message) {
        assertRejected(pattern, -1, message);
    }

    private static void assertRejected(String pattern, long within, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compile(pattern, Map.of(), within, -1, PAST_LAST));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void strictSequenceHasNoIgnoreEdges() {
        assertEquals("""
                skip PAST_LAST_EVENT
                0 $endState$ final
                1 b normal
                  take -> 0 $endState$ if b
                2 a start
                  take -> 1 b if a
                """, compile("a b").describe());
    }

    @Test
    void relaxedLoopWithUntil() {
        // createLooping: PROCEED to the sink, TAKE to itself, IGNORE to a twin without the PROCEED;
        // createTimesState adds the loop's entry state, whose IGNORE is the stage's own (followedBy).
        assertEquals("""
                skip PAST_LAST_EVENT
                0 $endState$ final
                1 c normal
                  take -> 0 $endState$ if c
                  ignore -> 1 c if !c
                2 b normal
                  proceed -> 1 c if true
                  take -> 2 b if !until(b) & b
                  ignore -> 3 b:0 if !until(b) & !b
                3 b:0 normal
                  take -> 2 b if !until(b) & b
                  ignore -> 3 b:0 if !until(b) & !b
                4 b:1 normal
                  take -> 2 b if !until(b) & b
                  ignore -> 4 b:1 if !b
                5 a start
                  take -> 4 b:1 if a
                """, compile("a -> b+ -> c", Map.of("b", Condition.TRUE), -1, -1, PAST_LAST).describe());
    }

    @Test
    void notFollowedByBecomesAProceedToAStopState() {
        assertEquals("""
                skip PAST_LAST_EVENT
                0 $endState$ final
                1 c normal
                  take -> 0 $endState$ if c
                  ignore -> 1 c if !c
                  proceed -> 2 b if b
                2 b stop
                  take -> 2 b if b
                3 a start
                  take -> 1 c if a
                """, compile("a -> !b -> c").describe());
    }

    @Test
    void trailingNotFollowedByWithAWindowIsAPendingState() {
        assertEquals("""
                within 10 ms
                skip NO_SKIP
                0 $endState$ final
                1 b pending
                  proceed -> 2 b:0 if b
                  ignore -> 1 b if !b
                2 b:0 stop
                  take -> 2 b:0 if b
                3 a start
                  take -> 1 b if a
                """, compile("a -> !b", Map.of(), 10, -1,
                        new AfterMatchSkip(AfterMatchSkip.Kind.NO_SKIP, null, Span.NONE)).describe());
    }

    @Test
    void notNextIsAStateThatProceedsUnlessTheEventIsForbidden() {
        assertEquals("""
                skip PAST_LAST_EVENT
                0 $endState$ final
                1 c normal
                  take -> 0 $endState$ if c
                2 b normal
                  proceed -> 1 c if !b
                  proceed -> 3 b:0 if b
                3 b:0 stop
                  take -> 3 b:0 if b
                4 a start
                  take -> 2 b if a
                """, compile("a !b c").describe());
    }

    @Test
    void loopingGroupClosesTheLoopThroughADummyState() {
        assertEquals("""
                skip PAST_LAST_EVENT
                0 $endState$ final
                1 c normal
                  take -> 0 $endState$ if c
                2 GroupPattern normal
                  proceed -> 4 a if true
                3 b normal
                  take -> 2 GroupPattern if b
                4 a normal
                  take -> 3 b if a
                  proceed -> 1 c if true
                5 b:0 normal
                  take -> 4 a if b
                6 a:0 start
                  take -> 5 b:0 if a
                """, compile("(a b)+ c").describe());
    }

    @Test
    void gapWindowGoesToSingleStatesOnly() {
        // createState(type, isTake): only steps without Times get a PREVIOUS_AND_CURRENT window, and an
        // optional step's ignore twin gets none.
        String described = compile("a -> b? -> c+ -> d", Map.of(), -1, 5, PAST_LAST).describe();
        assertTrue(described.contains("b normal gap 5 ms\n"), described);
        assertTrue(described.contains("b:0 normal\n"), described);
        assertTrue(described.contains("d normal gap 5 ms\n"), described);
        assertTrue(described.contains("c normal\n"), described);
    }

    @Test
    void variablesAndSkipTargetAreNumberedByFirstAppearance() {
        Nfa nfa = compile("x -> (y z)+ -> w", Map.of(), -1, -1,
                new AfterMatchSkip(AfterMatchSkip.Kind.TO_LAST, "w", Span.NONE));
        assertEquals(java.util.List.of("x", "y", "z", "w"), nfa.variables());
        assertEquals(3, nfa.skipVariable());
    }

    @Test
    void toDotDrawsEveryEdge() {
        String dot = compile("a -> b").toDot();
        assertTrue(dot.startsWith("digraph nfa {"), dot);
        assertTrue(dot.contains("s2 -> s1 [label=\"take: a\"];"), dot);
        assertTrue(dot.contains("s1 -> s1 [label=\"ignore: !b\"];"), dot);
    }

    @Test
    void shapesFlinkRefusesAreRejected() {
        assertRejected("!a b", "cannot start with a negation");
        assertRejected("a -> !b{2} -> c", "negated stage cannot have a quantifier");
        assertRejected("a ->> !b -> c", "non-deterministic");
        assertRejected("a -> !(b c) -> d", "group cannot be negated");
        assertRejected("a? -> !b -> c", "cannot follow an optional stage");
        assertRejected("a b? GREEDY", "GREEDY needs a looping quantifier");
        assertRejected("a (b c)+ GREEDY d", "GREEDY is not applicable to a group");
        assertRejected("a -> b? CONSECUTIVE -> c", "inner contiguity needs a looping quantifier");
        assertRejected("a b+ GREEDY c?", "cannot follow a GREEDY stage");
        assertRejected("a -> b -> a", "appears more than once");
        assertRejected("a (b? c?)+ d", "must match at least one event");
        assertRejected("a -> !b", "needs WITHIN");
        IllegalArgumentException until = assertThrows(IllegalArgumentException.class,
                () -> compile("a -> b{2} -> c", Map.of("b", Condition.TRUE), -1, -1, PAST_LAST));
        assertTrue(until.getMessage().contains("UNTIL"), until.getMessage());
        IllegalArgumentException skip = assertThrows(IllegalArgumentException.class,
                () -> compile("a -> (b c) -> d", Map.of(), -1, -1,
                        new AfterMatchSkip(AfterMatchSkip.Kind.TO_FIRST, "b", Span.NONE)));
        assertTrue(skip.getMessage().contains("outside groups"), skip.getMessage());
    }

    @Test
    void gapLongerThanWithinIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> compile("a -> b", Map.of(), 5, 10, PAST_LAST));
        assertTrue(e.getMessage().contains("BETWEEN EVENTS"), e.getMessage());
    }
}
