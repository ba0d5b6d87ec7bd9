package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The SQL predicates {@code IN}, {@code BETWEEN}, {@code IS NULL}, {@code LIKE} and {@code MATCHES},
 * each with its negated form.
 *
 * <p>The negated forms follow SQL's definitions, with unknown collapsed to false like every comparison:
 * {@code v NOT IN (a, b)} is {@code v <> a AND v <> b}, {@code v NOT BETWEEN lo AND hi} is
 * {@code v < lo OR v > hi}, and {@code NOT LIKE} / {@code NOT MATCHES} need a string on both sides. So
 * with v null, {@code v NOT IN (1, 2)} is false, while {@code NOT (v IN (1, 2))} is true.
 */
final class Predicates {
    private Predicates() {}

    static final class In extends BooleanNode {
        private final Node value;
        private final Node[] options;
        private final boolean negated;

        In(Node value, Node[] options, boolean negated) {
            super(concat(value, options));
            this.value = value;
            this.options = options.clone();
            this.negated = negated;
        }

        @Override
        public boolean test(Event event, MatchView match) {
            Object v = value.evaluate(event, match);
            if (v == null) {
                return false;
            }
            for (Node option : options) {
                int outcome = Values.compare(v, option.evaluate(event, match));
                if ((outcome & (Values.EQUAL | Values.SAME)) != 0) {
                    return !negated;
                }
                if (outcome == Values.NONE && negated) {
                    return false; // v <> option is false, so the whole AND is
                }
            }
            return negated;
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder("(").append(value).append(negated ? " NOT IN (" : " IN (");
            for (int i = 0; i < options.length; i++) {
                text.append(i == 0 ? "" : ", ").append(options[i]);
            }
            return text.append("))").toString();
        }

        private static Node[] concat(Node first, Node[] rest) {
            Node[] all = new Node[rest.length + 1];
            all[0] = first;
            System.arraycopy(rest, 0, all, 1, rest.length);
            return all;
        }
    }

    static final class Between extends BooleanNode {
        private final Node value;
        private final Node low;
        private final Node high;
        private final boolean negated;

        Between(Node value, Node low, Node high, boolean negated) {
            super(value, low, high);
            this.value = value;
            this.low = low;
            this.high = high;
            this.negated = negated;
        }

        @Override
        public boolean test(Event event, MatchView match) {
            Object v = value.evaluate(event, match);
            if (v == null) {
                return false;
            }
            int fromLow = Values.compare(v, low.evaluate(event, match));
            if (negated) {
                return fromLow == Values.LESS || Values.compare(v, high.evaluate(event, match)) == Values.GREATER;
            }
            return (fromLow & (Values.GREATER | Values.EQUAL)) != 0
                    && (Values.compare(v, high.evaluate(event, match)) & (Values.LESS | Values.EQUAL)) != 0;
        }

        @Override
        public String toString() {
            return "(" + value + (negated ? " NOT BETWEEN " : " BETWEEN ") + low + " AND " + high + ")";
        }
    }

    static final class IsNull extends BooleanNode {
        private final Node value;
        private final boolean negated;

        IsNull(Node value, boolean negated) {
            super(value);
            this.value = value;
            this.negated = negated;
        }

        @Override
        public boolean test(Event event, MatchView match) {
            return (value.evaluate(event, match) == null) != negated;
        }

        @Override
        public String toString() {
            return "(" + value + (negated ? " IS NOT NULL)" : " IS NULL)");
        }
    }

    /**
     * {@code LIKE}. A literal pattern is compiled once; a computed one is compiled when it changes (the
     * last one is kept in an immutable holder, so sharing the node between threads is safe).
     */
    static final class Like extends BooleanNode {
        private final Node value;
        private final Node pattern;
        private final boolean negated;
        private LikePattern last;

        Like(Node value, Node pattern, boolean negated) {
            super(value, pattern);
            this.value = value;
            this.pattern = pattern;
            this.negated = negated;
            if (pattern instanceof Constant c && c.value() instanceof String literal) {
                this.last = LikePattern.compile(literal);
            }
        }

        @Override
        public boolean test(Event event, MatchView match) {
            if (!(value.evaluate(event, match) instanceof String text)) {
                return false;
            }
            if (!(pattern.evaluate(event, match) instanceof String source)) {
                return false;
            }
            LikePattern compiled = last;
            if (compiled == null || !compiled.source().equals(source)) {
                compiled = LikePattern.compile(source);
                last = compiled;
            }
            return compiled.matches(text) != negated;
        }

        @Override
        public String toString() {
            return "(" + value + (negated ? " NOT LIKE " : " LIKE ") + pattern + ")";
        }
    }

    /**
     * {@code MATCHES}: a Java regular expression found anywhere in the value. A literal regex is
     * compiled once (the compiler rejects an invalid one); a computed one is compiled when it changes,
     * and an invalid computed regex matches nothing rather than failing the event, as does a value too
     * long for the regex engine's recursion.
     */
    static final class Matches extends BooleanNode {
        private final Node value;
        private final Node regex;
        private final boolean negated;
        private CompiledRegex last;

        Matches(Node value, Node regex, boolean negated) {
            super(value, regex);
            this.value = value;
            this.regex = regex;
            this.negated = negated;
            if (regex instanceof Constant c && c.value() instanceof String literal) {
                this.last = new CompiledRegex(literal, Pattern.compile(literal));
            }
        }

        @Override
        public boolean test(Event event, MatchView match) {
            if (!(value.evaluate(event, match) instanceof String text)) {
                return false;
            }
            if (!(regex.evaluate(event, match) instanceof String source)) {
                return false;
            }
            CompiledRegex compiled = last;
            if (compiled == null || !compiled.source().equals(source)) {
                compiled = CompiledRegex.of(source);
                last = compiled;
            }
            if (compiled.pattern() == null) {
                return false;
            }
            try {
                return compiled.pattern().matcher(text).find() != negated;
            } catch (StackOverflowError tooDeep) {
                // java.util.regex recurses per repetition of some groups ("(a|b)*"), so a long enough
                // value overflows the stack; that is data, and data must not fail the engine.
                return false;
            }
        }

        @Override
        public String toString() {
            return "(" + value + (negated ? " NOT MATCHES " : " MATCHES ") + regex + ")";
        }
    }

    /** A regex and its compiled form; pattern is null when the source is not a valid regex. */
    private record CompiledRegex(String source, Pattern pattern) {
        static CompiledRegex of(String source) {
            try {
                return new CompiledRegex(source, Pattern.compile(source));
            } catch (PatternSyntaxException invalid) {
                return new CompiledRegex(source, null);
            }
        }
    }
}
