package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * {@code AND}, {@code OR}, {@code NOT}, and the truthiness test that turns any value into a condition.
 * Two-valued: an operand that is null or not a boolean counts as false, so {@code NOT (x > 1)} is true
 * when x is null (the comparison is false, and NOT of false is true). AND and OR short-circuit.
 */
final class Logic {
    private Logic() {}

    /** The condition of a value node; boolean nodes are their own condition. */
    static BooleanNode condition(Node node) {
        return node instanceof BooleanNode b ? b : new Truthy(node);
    }

    static final class And extends BooleanNode {
        private final BooleanNode left;
        private final BooleanNode right;

        And(BooleanNode left, BooleanNode right) {
            super(left, right);
            this.left = left;
            this.right = right;
        }

        /** The operand evaluated first. */
        BooleanNode left() {
            return left;
        }

        /** The operand evaluated when the first holds. */
        BooleanNode right() {
            return right;
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return left.test(event, match) && right.test(event, match);
        }

        @Override
        Verdict blame(Event event, MatchView match) {
            return left.test(event, match) ? right.blame(event, match) : left.blame(event, match);
        }

        @Override
        public String toString() {
            return "(" + left + " AND " + right + ")";
        }
    }

    static final class Or extends BooleanNode {
        private final BooleanNode left;
        private final BooleanNode right;

        Or(BooleanNode left, BooleanNode right) {
            super(left, right);
            this.left = left;
            this.right = right;
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return left.test(event, match) || right.test(event, match);
        }

        @Override
        public String toString() {
            return "(" + left + " OR " + right + ")";
        }
    }

    static final class Not extends BooleanNode {
        private final BooleanNode operand;

        Not(BooleanNode operand) {
            super(operand);
            this.operand = operand;
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return !operand.test(event, match);
        }

        @Override
        public String toString() {
            return "(NOT " + operand + ")";
        }
    }

    /** A value used as a condition: true only when it is Boolean.TRUE. */
    static final class Truthy extends BooleanNode {
        private final Node value;

        Truthy(Node value) {
            super(value);
            this.value = value;
        }

        @Override
        public boolean test(Event event, MatchView match) {
            Object result = value.evaluate(event, match);
            if (result != null && !(result instanceof Boolean)) {
                EvaluationErrors.record();
            }
            return Values.isTrue(result);
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }
}
