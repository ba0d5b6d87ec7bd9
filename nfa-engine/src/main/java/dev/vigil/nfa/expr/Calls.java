package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;

/**
 * The nodes that call built-in scalar functions. Fixed-arity functions are plain static methods behind
 * the small {@code Fn1}..{@code Fn4} interfaces (method references that capture nothing), applied to the
 * evaluated arguments; the variadic ones (CONCAT, GREATEST, LEAST, COALESCE) walk their argument nodes
 * themselves, so no argument array is built per evaluation.
 */
final class Calls {
    private Calls() {}

    interface Fn1 {
        Object apply(Object a);
    }

    interface Fn2 {
        Object apply(Object a, Object b);
    }

    interface Fn3 {
        Object apply(Object a, Object b, Object c);
    }

    interface Fn4 {
        Object apply(Object a, Object b, Object c, Object d);
    }

    /**
     * A function that yields no value although every argument was present was given values it cannot use (text
     * for a number, a latitude beyond 90, the square root of -1): an evaluation error.
     */
    static Object checked(Object result, boolean argumentsPresent) {
        if (result == null && argumentsPresent) {
            EvaluationErrors.record();
        }
        return result;
    }

    /** Base of the call nodes: the function's name and argument nodes, for printing. */
    abstract static class Call extends Node {
        private final String name;
        final Node[] args;

        Call(String name, Node... args) {
            super(args);
            this.name = name;
            this.args = args.clone();
        }

        @Override
        public final String toString() {
            StringBuilder text = new StringBuilder(name).append('(');
            for (int i = 0; i < args.length; i++) {
                text.append(i == 0 ? "" : ", ").append(args[i]);
            }
            return text.append(')').toString();
        }
    }

    static final class Apply1 extends Call {
        private final Fn1 fn;
        private final Node a;

        Apply1(String name, Fn1 fn, Node a) {
            super(name, a);
            this.fn = fn;
            this.a = a;
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            Object x = a.evaluate(event, match);
            return checked(fn.apply(x), x != null);
        }
    }

    static final class Apply2 extends Call {
        private final Fn2 fn;
        private final Node a;
        private final Node b;

        Apply2(String name, Fn2 fn, Node a, Node b) {
            super(name, a, b);
            this.fn = fn;
            this.a = a;
            this.b = b;
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            Object x = a.evaluate(event, match);
            Object y = b.evaluate(event, match);
            return checked(fn.apply(x, y), x != null && y != null);
        }
    }

    static final class Apply3 extends Call {
        private final Fn3 fn;
        private final Node a;
        private final Node b;
        private final Node c;

        Apply3(String name, Fn3 fn, Node a, Node b, Node c) {
            super(name, a, b, c);
            this.fn = fn;
            this.a = a;
            this.b = b;
            this.c = c;
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            Object x = a.evaluate(event, match);
            Object y = b.evaluate(event, match);
            Object z = c.evaluate(event, match);
            return checked(fn.apply(x, y, z), x != null && y != null && z != null);
        }
    }

    static final class Apply4 extends Call {
        private final Fn4 fn;
        private final Node a;
        private final Node b;
        private final Node c;
        private final Node d;

        Apply4(String name, Fn4 fn, Node a, Node b, Node c, Node d) {
            super(name, a, b, c, d);
            this.fn = fn;
            this.a = a;
            this.b = b;
            this.c = c;
            this.d = d;
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            Object w = a.evaluate(event, match);
            Object x = b.evaluate(event, match);
            Object y = c.evaluate(event, match);
            Object z = d.evaluate(event, match);
            return checked(fn.apply(w, x, y, z), w != null && x != null && y != null && z != null);
        }
    }

    /** {@code CONCAT(a, b, ...)}: the arguments' text joined; null as soon as one argument is null. */
    static final class Concat extends Call {
        Concat(Node... args) {
            super("CONCAT", args);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            StringBuilder text = new StringBuilder();
            for (Node arg : args) {
                Object value = arg.evaluate(event, match);
                if (value == null) {
                    return null;
                }
                text.append(value);
            }
            return text.toString();
        }
    }

    /** {@code COALESCE(a, b, ...)}: the first non-null argument; later ones are not evaluated. */
    static final class Coalesce extends Call {
        Coalesce(Node... args) {
            super("COALESCE", args);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            for (Node arg : args) {
                Object value = arg.evaluate(event, match);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
    }

    /**
     * {@code GREATEST} and {@code LEAST} over numbers or strings, like MIN and MAX over a variable: nulls
     * are ignored (null only if every argument is); the first number or string sets the kind, and
     * arguments that cannot be compared with it (other kinds, NaN, booleans) are skipped. A Long result
     * becomes a Double when any argument is a Double (the common type the checker declares).
     */
    static final class Extreme extends Call {
        private final int wins; // the outcome of compare(candidate, best) that replaces best

        private Extreme(String name, int wins, Node... args) {
            super(name, args);
            this.wins = wins;
        }

        static Extreme greatest(Node... args) {
            return new Extreme("GREATEST", Values.GREATER, args);
        }

        static Extreme least(Node... args) {
            return new Extreme("LEAST", Values.LESS, args);
        }

        @Override
        public Object evaluate(Event event, MatchView match) {
            Object best = null;
            boolean sawDouble = false;
            for (Node arg : args) {
                Object value = arg.evaluate(event, match);
                if (best == null) {
                    if (Values.isOrderable(value)) {
                        best = value;
                    }
                } else if (Values.compare(value, best) == wins) {
                    best = value;
                }
                sawDouble |= value instanceof Double;
            }
            // The result has the arguments' common type, as in SQL: GREATEST(3, 2.5) is 3.0.
            return sawDouble && best instanceof Long l ? (Object) l.doubleValue() : best;
        }
    }
}
