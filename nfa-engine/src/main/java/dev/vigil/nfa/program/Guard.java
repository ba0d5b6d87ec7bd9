package dev.vigil.nfa.program;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.expr.MatchView;
import java.util.Objects;

/**
 * The condition on one NFA edge: a variable's {@code DEFINE} condition, its {@code UNTIL} condition, or a
 * combination of them. Mirrors the condition trees Flink's {@code NFACompiler} builds (its
 * {@code RichAndCondition} / {@code RichNotCondition} / {@code BooleanConditions.trueFunction}), so an edge
 * holds for exactly the events for which Flink's edge holds, and conditions are evaluated in the same order
 * with the same short-circuiting.
 */
public sealed interface Guard permits Guard.True, Guard.Defined, Guard.Until, Guard.Not, Guard.And {
    /** The guard that always holds. */
    Guard TRUE = new True();

    boolean test(Event event, MatchView match);

    /** Whether evaluating this guard may read the partial match (then the caller must supply a real view). */
    boolean readsMatch();

    /** Always holds. */
    record True() implements Guard {
        @Override
        public boolean test(Event event, MatchView match) {
            return true;
        }

        @Override
        public boolean readsMatch() {
            return false;
        }

        @Override
        public String toString() {
            return "true";
        }
    }

    /** The {@code DEFINE} condition of pattern variable {@code name} (always true when undefined). */
    record Defined(int variable, String name, Condition condition) implements Guard {
        public Defined {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return condition.test(event, match);
        }

        @Override
        public boolean readsMatch() {
            return condition.readsMatch();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The {@code UNTIL} condition of looping variable {@code name}. */
    record Until(int variable, String name, Condition condition) implements Guard {
        public Until {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return condition.test(event, match);
        }

        @Override
        public boolean readsMatch() {
            return condition.readsMatch();
        }

        @Override
        public String toString() {
            return "until(" + name + ")";
        }
    }

    /** Negation. */
    record Not(Guard operand) implements Guard {
        public Not {
            Objects.requireNonNull(operand, "operand");
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return !operand.test(event, match);
        }

        @Override
        public boolean readsMatch() {
            return operand.readsMatch();
        }

        @Override
        public String toString() {
            return operand instanceof And ? "!(" + operand + ")" : "!" + operand;
        }
    }

    /** Conjunction, left first, short-circuiting like Flink's {@code RichAndCondition}. */
    record And(Guard left, Guard right) implements Guard {
        public And {
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return left.test(event, match) && right.test(event, match);
        }

        @Override
        public boolean readsMatch() {
            return left.readsMatch() || right.readsMatch();
        }

        @Override
        public String toString() {
            return left + " & " + right;
        }
    }
}
