package dev.vigil.dsl.ast;

import dev.vigil.dsl.Span;
import java.util.List;

/**
 * A pattern: a sequence of stages, each related to the one before it by a {@link Contiguity}.
 * This is the shape of a Flink CEP {@code Pattern} chain ({@code begin().next().followedBy()...}),
 * and groups nest the same shape.
 */
public record Pattern(List<Stage> stages, Span span) {
    public Pattern {
        stages = List.copyOf(stages);
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("a pattern needs at least one stage");
        }
    }

    /** How a stage follows the previous one (or, inside a loop, how the loop's events follow each other). */
    public enum Contiguity {
        /** Juxtaposition {@code a b}: Flink {@code next} / {@code consecutive()}. */
        STRICT,
        /** {@code a -> b}: Flink {@code followedBy}, skip-till-next-match. */
        RELAXED,
        /** {@code a ->> b}: Flink {@code followedByAny} / {@code allowCombinations()}, skip-till-any-match. */
        NON_DETERMINISTIC
    }

    /**
     * One stage of the sequence.
     *
     * @param contiguity how this stage follows the previous one; for the first stage of a pattern it is
     *     {@code STRICT} and carries no meaning
     * @param negated {@code !b}: the stage must not occur (Flink {@code notNext} / {@code notFollowedBy})
     * @param quantifier how often the element repeats, or {@code null} for exactly once
     * @param gap {@code WITHIN d OF PREVIOUS}: the stage's event must come less than d after the match's previous
     *     event (Flink {@code within(d, PREVIOUS_AND_CURRENT)} on this stage alone), or {@code null}
     */
    public record Stage(Contiguity contiguity, boolean negated, Element element, Quantifier quantifier, Window gap,
            Span span) {
        /** A stage without a window of its own. */
        public Stage(Contiguity contiguity, boolean negated, Element element, Quantifier quantifier, Span span) {
            this(contiguity, negated, element, quantifier, null, span);
        }
    }

    /** True when some stage, at any depth, has a {@code WITHIN d OF PREVIOUS} window of its own. */
    public boolean hasStageWindow() {
        for (Stage stage : stages) {
            if (stage.gap() != null) {
                return true;
            }
            for (Pattern body : stage.element().bodies()) {
                if (body.hasStageWindow()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** True when the pattern may match no event: every stage is optional, negated, or an element that may match none. */
    public boolean canBeEmpty() {
        for (Stage stage : stages) {
            boolean optional = stage.quantifier() != null && stage.quantifier().min() == 0;
            if (!optional && !stage.negated() && !canBeEmpty(stage.element())) {
                return false;
            }
        }
        return true;
    }

    private static boolean canBeEmpty(Element element) {
        if (element instanceof Alternation alternation) {
            return alternation.branches().stream().anyMatch(Pattern::canBeEmpty);
        }
        return !element.bodies().isEmpty() && element.bodies().stream().allMatch(Pattern::canBeEmpty);
    }

    /** What a stage matches: one variable, a parenthesized group, an alternation or a permutation. */
    public sealed interface Element permits Variable, Group, Alternation, Permutation {
        Span span();

        /** The patterns nested in this element, left to right (none for a variable). */
        List<Pattern> bodies();
    }

    /** A pattern variable, defined (or not: then always true) in {@code DEFINE}. */
    public record Variable(String name, Span span) implements Element {
        @Override
        public List<Pattern> bodies() {
            return List.of();
        }
    }

    /** {@code ( pattern )}: a Flink CEP group pattern. */
    public record Group(Pattern body, Span span) implements Element {
        @Override
        public List<Pattern> bodies() {
            return List.of(body);
        }
    }

    /**
     * {@code ( b | c d )}: exactly one of the branches, each a sequence of stages (beyond Flink CEP; SQL:2016
     * row-pattern alternation). Every branch is tried: an event sequence that fits several branches gives one
     * match per branch.
     */
    public record Alternation(List<Pattern> branches, Span span) implements Element {
        public Alternation {
            branches = List.copyOf(branches);
            if (branches.size() < 2) {
                throw new IllegalArgumentException("an alternation needs at least two branches");
            }
        }

        @Override
        public List<Pattern> bodies() {
            return branches;
        }
    }

    /**
     * {@code PERMUTE(a, b, c)}: the items in any order (SQL:2016 {@code PERMUTE}): the alternation of every order,
     * the orders listed as the items are (the first item first, then the orders that start with it, ...). Items
     * follow each other as the operator written before the permutation says.
     */
    public record Permutation(List<Pattern> items, Span span) implements Element {
        /**
         * The most items a permutation may have: n items are n! orders, and the automaton, which shares the orders'
         * common prefixes and suffixes, still holds each item 2^(n-1) times (32 for 6).
         */
        public static final int MAX_ITEMS = 6;

        public Permutation {
            items = List.copyOf(items);
            if (items.isEmpty()) {
                throw new IllegalArgumentException("a permutation needs at least one item");
            }
        }

        @Override
        public List<Pattern> bodies() {
            return items;
        }
    }

    /**
     * {@code ? + * {n} {n,m} {n,}} with optional modifiers, or a count made optional ({@code {n,m} OPTIONAL}).
     *
     * @param min at least this many (0 means the stage is optional)
     * @param max at most this many, or {@link #UNBOUNDED}
     * @param from the fewest events the stage takes when it takes any (Flink's {@code Times.from}): {@code min}
     *     when that is at least 1; for an optional stage 1 ({@code ?}, {@code *}, {@code {0,m}}) or the count
     *     made optional ({@code {2,4} OPTIONAL}: 0, or 2 to 4)
     * @param greedy Flink {@code greedy()}
     * @param inner explicit contiguity between the loop's own events ({@code CONSECUTIVE}, {@code RELAXED},
     *     {@code COMBINATIONS}), or {@code null} to follow the operator written before the stage
     */
    public record Quantifier(int min, int max, int from, boolean greedy, Contiguity inner, Span span) {
        public static final int UNBOUNDED = -1;

        public Quantifier {
            if (min < 0 || (max != UNBOUNDED && (max < 1 || max < min))) {
                throw new IllegalArgumentException("quantifier {" + min + "," + max + "} is empty");
            }
            if (from < 1 || (min > 0 && from != min) || (max != UNBOUNDED && from > max)) {
                throw new IllegalArgumentException("quantifier {" + min + "," + max + "} cannot take " + from
                        + " events when it takes any");
            }
        }

        /** A quantifier whose stage, when it takes events, takes at least {@code max(min, 1)}. */
        public Quantifier(int min, int max, boolean greedy, Contiguity inner, Span span) {
            this(min, max, Math.max(min, 1), greedy, inner, span);
        }

        public boolean optional() {
            return min == 0;
        }

        /** True for {@code {n,m} OPTIONAL} with n &gt; 1: zero events, or n or more (Flink {@code times(n, m).optional()}). */
        public boolean optionalCount() {
            return min == 0 && from > 1;
        }

        /** True when more than one event may be taken ({@code +}, {@code *}, {@code {n}} with n &gt; 1, ...). */
        public boolean looping() {
            return max == UNBOUNDED || max > 1;
        }
    }
}
