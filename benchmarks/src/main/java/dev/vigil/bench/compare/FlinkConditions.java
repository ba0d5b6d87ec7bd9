package dev.vigil.bench.compare;

import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * The conditions of the workloads' Flink patterns, one class per shape of the Vigil {@code DEFINE} clauses they
 * stand for ({@code type = 'X'}, optionally {@code AND value >= n}, {@code > n}, {@code < n}, or
 * {@code > v.value + n}). Each tests the type first, as Vigil's {@code AND} does, so the costlier part runs only
 * for events of the right type.
 */
final class FlinkConditions {
    private FlinkConditions() {
    }

    /** {@code type = 'X'}. */
    static final class TypeIs extends SimpleCondition<FlinkEvent> {
        private static final long serialVersionUID = 1L;
        private final String type;

        TypeIs(String type) {
            this.type = type;
        }

        @Override
        public boolean filter(FlinkEvent event) {
            return type.equals(event.type);
        }
    }

    /** How {@link TypeAndValue} compares the event's value with its bound. */
    enum Comparison {
        AT_LEAST, ABOVE, BELOW
    }

    /** {@code type = 'X' AND value >= bound}, {@code > bound} or {@code < bound}. */
    static final class TypeAndValue extends SimpleCondition<FlinkEvent> {
        private static final long serialVersionUID = 1L;
        private final String type;
        private final Comparison comparison;
        private final int bound;

        TypeAndValue(String type, Comparison comparison, int bound) {
            this.type = type;
            this.comparison = comparison;
            this.bound = bound;
        }

        @Override
        public boolean filter(FlinkEvent event) {
            if (!type.equals(event.type)) {
                return false;
            }
            return switch (comparison) {
                case AT_LEAST -> event.value >= bound;
                case ABOVE -> event.value > bound;
                case BELOW -> event.value < bound;
            };
        }
    }

    /**
     * {@code type = 'X' AND value > v.value + plus}, where {@code v} is an earlier single-event variable of the
     * same partial match, read as the Flink documentation shows, through {@code ctx.getEventsForPattern}.
     */
    static final class TypeAndValueAboveEarlier extends IterativeCondition<FlinkEvent> {
        private static final long serialVersionUID = 1L;
        private final String type;
        private final String variable;
        private final int plus;

        TypeAndValueAboveEarlier(String type, String variable, int plus) {
            this.type = type;
            this.variable = variable;
            this.plus = plus;
        }

        @Override
        public boolean filter(FlinkEvent event, Context<FlinkEvent> ctx) throws Exception {
            if (!type.equals(event.type)) {
                return false;
            }
            for (FlinkEvent earlier : ctx.getEventsForPattern(variable)) {
                return event.value > earlier.value + plus;
            }
            throw new IllegalStateException("no event bound to " + variable + " before " + event);
        }
    }
}
