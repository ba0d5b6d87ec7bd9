package dev.vigil.nfa.program;

import dev.vigil.nfa.Event;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.expr.MatchView;
import dev.vigil.nfa.expr.Verdict;
import java.util.List;
import java.util.Objects;

/**
 * The condition on one NFA edge: a variable's {@code DEFINE} condition, its {@code UNTIL} condition, or a
 * combination of them. Mirrors the condition trees Flink's {@code NFACompiler} builds (its
 * {@code RichAndCondition} / {@code RichNotCondition} / {@code BooleanConditions.trueFunction}), so an edge
 * holds for exactly the events for which Flink's edge holds, and conditions are evaluated in the same order
 * with the same short-circuiting.
 */
public sealed interface Guard permits Guard.True, Guard.OfCondition, Guard.Not, Guard.And {
    /** The guard that always holds. */
    Guard TRUE = new True();

    boolean test(Event event, MatchView match);

    /** Whether evaluating this guard may read the partial match (then the caller must supply a real view). */
    boolean readsMatch();

    /**
     * The guard with each variable's condition written out ({@code (amount >= 500) AND NOT (status = 'closed')}),
     * where {@link #toString} names the variables ({@code big & !until(big)}).
     */
    String conditionText();

    /**
     * Whether the guard holds on {@code event}, as {@link #test} decides it, and why (not): the false part's
     * sub-expression and the values it saw ({@link Verdict}). For explanations; allocates.
     */
    Verdict explain(Event event, MatchView match);

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
        public String conditionText() {
            return "true";
        }

        @Override
        public Verdict explain(Event event, MatchView match) {
            return new Verdict(true, "true", List.of());
        }

        @Override
        public String toString() {
            return "true";
        }
    }

    /** A guard that is one variable's compiled condition: it holds exactly when the condition does. */
    sealed interface OfCondition extends Guard permits Defined, Until {
        Condition condition();

        @Override
        default boolean test(Event event, MatchView match) {
            return condition().test(event, match);
        }

        @Override
        default boolean readsMatch() {
            return condition().readsMatch();
        }

        @Override
        default String conditionText() {
            return condition().toString();
        }

        @Override
        default Verdict explain(Event event, MatchView match) {
            return condition().explain(event, match);
        }
    }

    /** The {@code DEFINE} condition of pattern variable {@code name} (always true when undefined). */
    record Defined(int variable, String name, Condition condition) implements OfCondition {
        public Defined {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(condition, "condition");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The {@code UNTIL} condition of looping variable {@code name}. */
    record Until(int variable, String name, Condition condition) implements OfCondition {
        public Until {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(condition, "condition");
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
        public String conditionText() {
            return operand instanceof And ? "NOT (" + operand.conditionText() + ")" : "NOT " + operand.conditionText();
        }

        /** False when the operand held: then the whole negation is what was false, with what the operand read. */
        @Override
        public Verdict explain(Event event, MatchView match) {
            Verdict operandVerdict = operand.explain(event, match);
            return new Verdict(!operandVerdict.held(), conditionText(), operandVerdict.values());
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
        public String conditionText() {
            return left.conditionText() + " AND " + right.conditionText();
        }

        /** The first part that was false, as evaluation stops there; when both held, what both read. */
        @Override
        public Verdict explain(Event event, MatchView match) {
            Verdict first = left.explain(event, match);
            if (!first.held()) {
                return first;
            }
            Verdict second = right.explain(event, match);
            if (!second.held()) {
                return second;
            }
            return new Verdict(true, conditionText(), Verdict.union(first.values(), second.values()));
        }

        @Override
        public String toString() {
            return left + " & " + right;
        }
    }
}
