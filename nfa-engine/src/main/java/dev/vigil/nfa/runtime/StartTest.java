package dev.vigil.nfa.runtime;

import dev.vigil.nfa.expr.FieldEquals;
import dev.vigil.nfa.expr.FieldRange;
import dev.vigil.nfa.match.Matcher;
import dev.vigil.nfa.program.Guard;
import dev.vigil.nfa.program.Nfa;

/**
 * The tests an event must pass to start a rule, when the engine can index them ({@link RuleDispatch}): the start
 * guards do not read the match, every transition out of the start state takes the event, and each one's guard
 * begins with the same tests: "field = string" ({@code type = 'login'}), then, or alone, "field against a number"
 * ({@code value >= 40}). An event failing them starts nothing, and its evaluation records no error when the equality's
 * field is absent or a string and the range's is absent or a number (the guards stop at the failing test).
 *
 * @param equality the equality every start begins with, or null
 * @param range the range every start tests first (when {@code equality} is null) or right after it, or null
 */
record StartTest(FieldEquals equality, FieldRange range) {
    /** The rule's start test, or null when its starts cannot be indexed. */
    static StartTest of(Nfa nfa, Matcher matcher) {
        if (!matcher.screensStarts()) {
            return null;
        }
        StartTest found = null;
        for (Nfa.Edge edge : nfa.state(nfa.startState()).edges()) {
            if (edge.action() != Nfa.Action.TAKE) {
                return null;
            }
            Guard first = edge.guard();
            while (first instanceof Guard.And and) {
                first = and.left();
            }
            StartTest test = first instanceof Guard.OfCondition condition ? of(condition) : null;
            if (test == null) {
                return null;
            }
            found = found == null ? test : found.common(test);
            if (found == null) {
                return null;
            }
        }
        return found;
    }

    private static StartTest of(Guard.OfCondition guard) {
        FieldEquals equality = FieldEquals.firstTestOf(guard.condition());
        FieldRange range = equality == null ? FieldRange.firstTestOf(guard.condition())
                : FieldRange.secondTestOf(guard.condition());
        return equality == null && range == null ? null : new StartTest(equality, range);
    }

    /** What this test and {@code other} (another start's) share as a start test of both, or null. */
    private StartTest common(StartTest other) {
        if (equals(other)) {
            return this;
        }
        return equality != null && equality.equals(other.equality) ? new StartTest(equality, null) : null;
    }
}
