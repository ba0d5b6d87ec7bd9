package dev.vigil.dsl;

/**
 * How much structure one rule text may have, so that reading and compiling it cannot exhaust a thread's stack or
 * build an automaton too large to run. Text beyond a limit gets a positioned diagnostic naming the limit; it is
 * never a stack overflow.
 *
 * @param maxNestingDepth how deep expressions and patterns may nest: parentheses, {@code NOT}, unary minus,
 *     function calls, {@code IN (...)} lists and pattern groups each open a level, and so does every operator of
 *     a chain such as {@code a OR b OR c} (it is evaluated as nested pairs)
 * @param maxRepeatCount the largest count a quantifier may name ({@code {n}}, {@code {n,}}, {@code {n,m}}): Flink
 *     CEP unrolls {@code times(n)} into n states, so the count is the size of the automaton
 */
public record ParseLimits(int maxNestingDepth, int maxRepeatCount) {
    public static final int DEFAULT_MAX_NESTING_DEPTH = 128;
    public static final int DEFAULT_MAX_REPEAT_COUNT = 1_000;
    public static final ParseLimits DEFAULTS = new ParseLimits(DEFAULT_MAX_NESTING_DEPTH, DEFAULT_MAX_REPEAT_COUNT);

    /** The name of each limit in diagnostics, metrics and the server's settings. */
    public static final String NESTING_DEPTH = "maxNestingDepth";
    public static final String REPEAT_COUNT = "maxRepeatCount";

    public ParseLimits {
        if (maxNestingDepth < 1) {
            throw new IllegalArgumentException("max nesting depth " + maxNestingDepth + " < 1");
        }
        if (maxRepeatCount < 1) {
            throw new IllegalArgumentException("max repeat count " + maxRepeatCount + " < 1");
        }
    }
}
