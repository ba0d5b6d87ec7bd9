package dev.vigil.nfa.expr;

/**
 * The values of a rule's windowed aggregates for the event being tested, on this thread: the runtime
 * {@link #set}s them (one per {@link WindowSpec} of the rule, in the rule's order) before it feeds the event to the
 * rule's matcher, and the conditions' {@code ... OVER (...)} nodes read them. Compiled expressions are shared by every
 * shard, so the values are kept per thread, as {@link EvaluationErrors} are; only rules with windowed aggregates read
 * or write them.
 */
public final class WindowFrame {
    private static final ThreadLocal<Object[]> VALUES = new ThreadLocal<>();

    private WindowFrame() {}

    /** The values for the next event this thread feeds to a rule (the array is read, not copied). */
    public static void set(Object[] values) {
        VALUES.set(values);
    }

    /** {@code slot}'s value; null when no values were set (an explanation, a condition tried out of its event). */
    static Object value(int slot) {
        Object[] values = VALUES.get();
        return values == null || slot >= values.length ? null : values[slot];
    }

    /** A condition's {@code f(x) OVER (LAST d)}: the value the runtime computed for the event. */
    static final class Read extends Node {
        private final int slot;
        private final WindowSpec spec;

        Read(int slot, WindowSpec spec) {
            this.slot = slot;
            this.spec = spec;
        }

        @Override
        public Object evaluate(dev.vigil.nfa.Event event, MatchView match) {
            return value(slot);
        }

        @Override
        public String toString() {
            return spec.toString();
        }
    }
}
