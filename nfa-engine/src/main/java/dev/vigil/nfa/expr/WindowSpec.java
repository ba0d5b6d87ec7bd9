package dev.vigil.nfa.expr;

import java.util.List;
import java.util.Objects;

/**
 * One distinct windowed aggregate of a rule, {@code AVG(amount) OVER (LAST 1 HOUR)}: the function, the field it
 * reads (none for {@code COUNT(*)}) and the window's length. The runtime keeps each key's recent events and, for each
 * event, computes every spec of the rule over the events of its window ({@link #compute}) before the conditions are
 * evaluated; the conditions read the values through {@link WindowFrame}. The aggregates are the pattern-variable
 * aggregates of {@link Aggregates} over a view of the window's events, so they mean the same: null when there is
 * nothing to aggregate (COUNT: 0), SUM in whole numbers until a fraction or an overflow, AVG a DOUBLE.
 *
 * <p>Immutable; shared by every key and thread.
 */
public final class WindowSpec {
    private final String function;
    private final List<String> field;
    private final long millis;
    /** The aggregate over variable 0 of the view, or null for {@code COUNT(*)}. */
    private final Aggregates.Aggregate aggregate;

    WindowSpec(String function, List<String> field, long millis) {
        this.function = function;
        this.field = field == null ? null : List.copyOf(field);
        this.millis = millis;
        FieldAccess access = field == null ? null : FieldAccess.of(field);
        String name = "window";
        switch (function) {
            case "COUNT":
                aggregate = access == null ? null : new Aggregates.Count(0, name, access);
                break;
            case "SUM":
                aggregate = new Aggregates.Sum(0, name, access);
                break;
            case "AVG":
                aggregate = new Aggregates.Avg(0, name, access);
                break;
            case "MIN":
                aggregate = Aggregates.Extreme.min(0, name, access);
                break;
            case "MAX":
                aggregate = Aggregates.Extreme.max(0, name, access);
                break;
            default:
                throw new IllegalArgumentException("no windowed aggregate " + function);
        }
    }

    /** The window's length in milliseconds: the events at or after the current time minus this count. */
    public long millis() {
        return millis;
    }

    /** The aggregate over {@code window}'s events: those of the key in this spec's window, oldest first. */
    public Object compute(MatchView window) {
        return aggregate == null ? (Object) (long) window.count(0) : aggregate.evaluate(null, window);
    }

    /** Whether {@code other} computes the same value (the same function, field and window). */
    boolean same(String otherFunction, List<String> otherField, long otherMillis) {
        return function.equals(otherFunction) && Objects.equals(field, otherField) && millis == otherMillis;
    }

    @Override
    public String toString() {
        return function + "(" + (field == null ? "*" : String.join(".", field)) + ") OVER (LAST " + millis + " ms)";
    }
}
