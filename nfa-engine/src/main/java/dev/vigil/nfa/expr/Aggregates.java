package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * The nodes that read a pattern variable's events from the {@link MatchView}: {@code COUNT(v)},
 * {@code FIRST(v.f)}, {@code LAST(v.f)} (which is also what {@code v.f} means), and {@code SUM},
 * {@code AVG}, {@code MIN}, {@code MAX} over {@code v.f}.
 *
 * <p>Every aggregate is null when there is nothing to aggregate (no events, or no usable values), except
 * COUNT, which is 0. They walk the view by index and allocate nothing but the boxed result.
 */
final class Aggregates {
    private Aggregates() {}

    /** Base of the aggregates: the variable's number and name, and the field it reads (null: none). */
    abstract static class Aggregate extends Node {
        final int variable;
        final String variableName;
        final FieldAccess field;
        private final String function;

        Aggregate(String function, int variable, String variableName, FieldAccess field) {
            super(true);
            this.function = function;
            this.variable = variable;
            this.variableName = variableName;
            this.field = field;
        }

        @Override
        public final String toString() {
            return function + "(" + variableName + (field == null ? "" : "." + field) + ")";
        }
    }

    /** {@code COUNT(v)}: how many events v holds; {@code COUNT(v.f)}: how many have a non-null f. */
    static final class Count extends Aggregate {
        Count(int variable, String variableName, FieldAccess field) {
            super("COUNT", variable, variableName, field);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            int n = match.count(variable);
            if (field == null) {
                return (long) n;
            }
            long count = 0;
            for (int i = 0; i < n; i++) {
                if (field.read(match.event(variable, i)) != null) {
                    count++;
                }
            }
            return count;
        }
    }

    /** {@code FIRST(v.f)}: f of v's oldest event. */
    static final class First extends Aggregate {
        First(int variable, String variableName, FieldAccess field) {
            super("FIRST", variable, variableName, field);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            return match.count(variable) == 0 ? null : field.read(match.event(variable, 0));
        }
    }

    /** {@code LAST(v.f)} and {@code v.f}: f of v's newest event. */
    static final class Last extends Aggregate {
        Last(int variable, String variableName, FieldAccess field) {
            super("LAST", variable, variableName, field);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            int n = match.count(variable);
            return n == 0 ? null : field.read(match.event(variable, n - 1));
        }
    }

    /** {@code SUM(v.f)}: a Long while every value is a Long and the sum fits, otherwise a Double. */
    static final class Sum extends Aggregate {
        Sum(int variable, String variableName, FieldAccess field) {
            super("SUM", variable, variableName, field);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            int n = match.count(variable);
            long longSum = 0;
            double doubleSum = 0;
            boolean any = false;
            boolean inDoubles = false;
            for (int i = 0; i < n; i++) {
                Object value = field.read(match.event(variable, i));
                if (value instanceof Long l) {
                    any = true;
                    if (inDoubles) {
                        doubleSum += l;
                    } else {
                        long sum = longSum + l;
                        if (((longSum ^ sum) & (l ^ sum)) < 0) { // overflow: continue in doubles
                            inDoubles = true;
                            doubleSum = (double) longSum + l;
                        } else {
                            longSum = sum;
                        }
                    }
                } else if (value instanceof Double d) {
                    any = true;
                    if (!inDoubles) {
                        inDoubles = true;
                        doubleSum = longSum;
                    }
                    doubleSum += d;
                }
            }
            if (!any) {
                return null;
            }
            return inDoubles ? (Object) doubleSum : (Object) longSum;
        }
    }

    /** {@code AVG(v.f)}: the mean of the numeric values, as a Double. */
    static final class Avg extends Aggregate {
        Avg(int variable, String variableName, FieldAccess field) {
            super("AVG", variable, variableName, field);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            int n = match.count(variable);
            double sum = 0;
            long count = 0;
            for (int i = 0; i < n; i++) {
                Object value = field.read(match.event(variable, i));
                if (value instanceof Long l) {
                    sum += l;
                    count++;
                } else if (value instanceof Double d) {
                    sum += d;
                    count++;
                }
            }
            return count == 0 ? null : (Object) (sum / count);
        }
    }

    /**
     * {@code MIN(v.f)} and {@code MAX(v.f)} over numbers or strings. The first number or string sets
     * the kind; values that cannot be compared with it (other kinds, null, NaN, booleans) are skipped.
     */
    static final class Extreme extends Aggregate {
        private final int wins; // the outcome of compare(candidate, best) that replaces best

        private Extreme(String function, int wins, int variable, String variableName, FieldAccess field) {
            super(function, variable, variableName, field);
            this.wins = wins;
        }

        static Extreme min(int variable, String variableName, FieldAccess field) {
            return new Extreme("MIN", Values.LESS, variable, variableName, field);
        }

        static Extreme max(int variable, String variableName, FieldAccess field) {
            return new Extreme("MAX", Values.GREATER, variable, variableName, field);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            int n = match.count(variable);
            Object best = null;
            for (int i = 0; i < n; i++) {
                Object value = field.read(match.event(variable, i));
                if (best == null) {
                    if (Values.isOrderable(value)) {
                        best = value;
                    }
                } else if (Values.compare(value, best) == wins) {
                    best = value;
                }
            }
            return best;
        }
    }
}
