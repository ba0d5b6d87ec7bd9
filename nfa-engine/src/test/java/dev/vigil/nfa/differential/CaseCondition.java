package dev.vigil.nfa.differential;

import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.Expr.BinaryOp;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The menu of conditions a differential case may use. Each template has two faces that must mean the
 * same: {@link #expr()}, the rule-language AST Vigil compiles, and {@link #test}, the plain Java that
 * Flink CEP runs inside an {@code IterativeCondition}.
 *
 * <p>Templates that read another variable see "no value" when that variable has no events yet; both
 * faces then make the comparison false (the rule language's "comparisons with null are false"). Only
 * {@link #nullFree()} templates are ever negated, so the two faces never have to agree on
 * {@code NOT null}.
 *
 * <p>Serializable because Flink checks that conditions could be shipped to a cluster.
 */
sealed interface CaseCondition extends Serializable {

    /** The events a (partial) match has bound to a variable so far, oldest first. */
    @FunctionalInterface
    interface Bound {
        List<CaseEvent> events(String variable);
    }

    Expr expr();

    boolean test(CaseEvent event, Bound bound);

    /** The variables whose events the condition reads (for coverage and for the quirk predicates). */
    default List<String> reads() {
        return List.of();
    }

    /** True when no operand can be missing, so {@code NOT} means the same on both sides. */
    default boolean nullFree() {
        return reads().isEmpty();
    }

    /** {@code TRUE}. */
    record Always() implements CaseCondition {
        @Override
        public Expr expr() {
            return new Expr.Literal(Boolean.TRUE, Expr.LiteralKind.BOOLEAN, Span.NONE);
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return true;
        }
    }

    /** {@code type = 'A'}. */
    record TypeIs(String type) implements CaseCondition {
        @Override
        public Expr expr() {
            return Exprs.binary(BinaryOp.EQ, Exprs.ref("type"), Exprs.string(type));
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return event.type().equals(type);
        }
    }

    /** {@code type IN ('B', 'C')}. */
    record TypeIn(List<String> types) implements CaseCondition {
        public TypeIn {
            types = List.copyOf(types);
        }

        @Override
        public Expr expr() {
            List<Expr> options = new ArrayList<>();
            for (String type : types) {
                options.add(Exprs.string(type));
            }
            return new Expr.In(Exprs.ref("type"), options, false, Span.NONE);
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return types.contains(event.type());
        }
    }

    /** {@code value > 5} and the other comparisons with a constant. */
    record ValueCompare(BinaryOp op, int operand) implements CaseCondition {
        @Override
        public Expr expr() {
            return Exprs.binary(op, Exprs.ref("value"), Exprs.number(operand));
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return Exprs.compare(op, event.value(), operand);
        }
    }

    /** {@code value % 2 = 0}. */
    record ValueModulo(int divisor, int remainder) implements CaseCondition {
        @Override
        public Expr expr() {
            Expr modulo = Exprs.binary(BinaryOp.MODULO, Exprs.ref("value"), Exprs.number(divisor));
            return Exprs.binary(BinaryOp.EQ, modulo, Exprs.number(remainder));
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return event.value() % divisor == remainder;
        }
    }

    /** {@code value BETWEEN 2 AND 6}. */
    record ValueBetween(int low, int high) implements CaseCondition {
        @Override
        public Expr expr() {
            return new Expr.Between(Exprs.ref("value"), Exprs.number(low), Exprs.number(high), false, Span.NONE);
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return event.value() >= low && event.value() <= high;
        }
    }

    /** How a template reads the values of another variable's events. */
    enum Aggregate {
        /** {@code b.value}: the last event's value. */
        LAST_EVENT(null),
        LAST("LAST"),
        FIRST("FIRST"),
        MIN("MIN"),
        MAX("MAX"),
        SUM("SUM"),
        AVG("AVG");

        final String function;

        Aggregate(String function) {
            this.function = function;
        }

        Expr expr(String variable) {
            Expr field = Exprs.ref(variable, "value");
            return function == null ? field : Exprs.call(function, field);
        }

        /** The aggregate over the bound events, or null when there are none. */
        Double apply(List<CaseEvent> events) {
            if (events.isEmpty()) {
                return null;
            }
            if (this == LAST_EVENT || this == LAST) {
                return (double) events.get(events.size() - 1).value();
            }
            if (this == FIRST) {
                return (double) events.get(0).value();
            }
            double result = this == MIN ? Double.MAX_VALUE : this == MAX ? -Double.MAX_VALUE : 0;
            for (CaseEvent event : events) {
                int value = event.value();
                if (this == MIN) {
                    result = Math.min(result, value);
                } else if (this == MAX) {
                    result = Math.max(result, value);
                } else {
                    result += value;
                }
            }
            return this == AVG ? result / events.size() : result;
        }
    }

    /** {@code value > a.value}, {@code value >= AVG(b.value)}, ...: the current value against a variable's. */
    record ValueVersus(BinaryOp op, Aggregate aggregate, String variable) implements CaseCondition {
        @Override
        public Expr expr() {
            return Exprs.binary(op, Exprs.ref("value"), aggregate.expr(variable));
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            Double other = aggregate.apply(bound.events(variable));
            return other != null && Exprs.compare(op, event.value(), other);
        }

        @Override
        public List<String> reads() {
            return List.of(variable);
        }
    }

    /** {@code value + a.value > 8}: arithmetic over the current event and a variable's last event. */
    record SumWithLast(String variable, int bound) implements CaseCondition {
        @Override
        public Expr expr() {
            Expr sum = Exprs.binary(BinaryOp.ADD, Exprs.ref("value"), Exprs.ref(variable, "value"));
            return Exprs.binary(BinaryOp.GT, sum, Exprs.number(bound));
        }

        @Override
        public boolean test(CaseEvent event, Bound events) {
            List<CaseEvent> bound = events.events(variable);
            return !bound.isEmpty() && event.value() + bound.get(bound.size() - 1).value() > this.bound;
        }

        @Override
        public List<String> reads() {
            return List.of(variable);
        }
    }

    /** {@code ts - a.ts <= 4}: the event time against a variable's last event. */
    record CloseAfter(String variable, int millis) implements CaseCondition {
        @Override
        public Expr expr() {
            Expr gap = Exprs.binary(BinaryOp.SUBTRACT, Exprs.ref("ts"), Exprs.ref(variable, "ts"));
            return Exprs.binary(BinaryOp.LE, gap, Exprs.number(millis));
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            List<CaseEvent> events = bound.events(variable);
            return !events.isEmpty() && event.ts() - events.get(events.size() - 1).ts() <= millis;
        }

        @Override
        public List<String> reads() {
            return List.of(variable);
        }
    }

    /** {@code COUNT(b) < 3}. Never null: a variable without events counts 0. */
    record CountCompare(String variable, BinaryOp op, int operand) implements CaseCondition {
        @Override
        public Expr expr() {
            return Exprs.binary(op, Exprs.call("COUNT", Exprs.ref(variable)), Exprs.number(operand));
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return Exprs.compare(op, bound.events(variable).size(), operand);
        }

        @Override
        public List<String> reads() {
            return List.of(variable);
        }

        @Override
        public boolean nullFree() {
            return true;
        }
    }

    record And(CaseCondition left, CaseCondition right) implements CaseCondition {
        @Override
        public Expr expr() {
            return Exprs.binary(BinaryOp.AND, left.expr(), right.expr());
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return left.test(event, bound) && right.test(event, bound);
        }

        @Override
        public List<String> reads() {
            return Exprs.concat(left.reads(), right.reads());
        }

        @Override
        public boolean nullFree() {
            return left.nullFree() && right.nullFree();
        }
    }

    record Or(CaseCondition left, CaseCondition right) implements CaseCondition {
        @Override
        public Expr expr() {
            return Exprs.binary(BinaryOp.OR, left.expr(), right.expr());
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return left.test(event, bound) || right.test(event, bound);
        }

        @Override
        public List<String> reads() {
            return Exprs.concat(left.reads(), right.reads());
        }

        @Override
        public boolean nullFree() {
            return left.nullFree() && right.nullFree();
        }
    }

    record Not(CaseCondition operand) implements CaseCondition {
        public Not {
            if (!operand.nullFree()) {
                throw new IllegalArgumentException("NOT over a condition that may see null: " + operand);
            }
        }

        @Override
        public Expr expr() {
            return new Expr.Unary(Expr.UnaryOp.NOT, operand.expr(), Span.NONE);
        }

        @Override
        public boolean test(CaseEvent event, Bound bound) {
            return !operand.test(event, bound);
        }

        @Override
        public List<String> reads() {
            return operand.reads();
        }

        @Override
        public boolean nullFree() {
            return true;
        }
    }
}
