package dev.vigil.nfa.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether a condition held on one event, said for a person: when it did not, the smallest sub-expression that made
 * it false and the values that sub-expression saw ({@code (amount > 100)} was false: {@code amount} = 42); when it
 * did, the whole condition and the values it read. Built by {@link Condition#explain}, for explanations only: the
 * matcher tests conditions with {@link Condition#test}, which builds nothing.
 *
 * @param expression the false sub-expression when the condition did not hold, else the whole condition, in
 *     rule-language syntax ({@code v.f} printed as {@code LAST(v.f)})
 * @param values what the expression read, in the order it prints them: fields, aggregates, calls and arithmetic,
 *     not literals, each once, at most {@link #MAX_VALUES}
 */
public record Verdict(boolean held, String expression, List<Seen> values) {
    /** The most values a verdict lists: a condition with more reads shows its first ones. */
    public static final int MAX_VALUES = 16;

    public Verdict {
        Objects.requireNonNull(expression, "expression");
        values = List.copyOf(values);
    }

    /**
     * One value a condition read.
     *
     * @param value a normalised value: null, Long, Double, String, Boolean, or a Map or List from the event
     */
    public record Seen(String expression, Object value) {
        public Seen {
            Objects.requireNonNull(expression, "expression");
        }
    }

    /** The values of {@code first} and then those of {@code second} not already among them, at most the maximum. */
    public static List<Seen> union(List<Seen> first, List<Seen> second) {
        if (second.isEmpty()) {
            return first;
        }
        List<Seen> all = new ArrayList<>(first);
        for (Seen seen : second) {
            if (all.size() == MAX_VALUES) {
                break;
            }
            if (all.stream().noneMatch(known -> known.expression().equals(seen.expression()))) {
                all.add(seen);
            }
        }
        return all;
    }
}
