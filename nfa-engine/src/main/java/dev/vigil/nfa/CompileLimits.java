package dev.vigil.nfa;

import dev.vigil.dsl.ParseLimits;

/**
 * What compiling one rule text may cost, so that no rule can exhaust the compiler or the host that runs it:
 * the rule language's structural limits ({@link ParseLimits}), the size of each rule's NFA, and the time one rule
 * may take to compile. A rule beyond a limit is refused with a diagnostic naming the limit and where it was
 * passed. Every host compiles under these limits: the server (rules API, validate, backtest, rules folder) with
 * its configured values, {@code vigil check}/{@code run}/{@code explain}/{@code backtest} with the defaults or
 * their flags. Immutable.
 *
 * @param maxNestingDepth see {@link ParseLimits#maxNestingDepth}
 * @param maxRepeatCount see {@link ParseLimits#maxRepeatCount}
 * @param maxNfaStates states one rule's NFA may have (Flink's graph: a counted quantifier unrolls into one state
 *     per repetition, groups multiply their bodies, helper copies count too)
 * @param maxNfaTransitions transitions (edges) one rule's NFA may have
 * @param compileTimeoutMs how long compiling one rule's NFA may take, checked as the compiler goes
 */
public record CompileLimits(int maxNestingDepth, int maxRepeatCount, int maxNfaStates, int maxNfaTransitions,
        long compileTimeoutMs) {
    public static final int DEFAULT_MAX_NFA_STATES = 10_000;
    public static final int DEFAULT_MAX_NFA_TRANSITIONS = 50_000;
    public static final long DEFAULT_COMPILE_TIMEOUT_MS = 5_000;
    public static final CompileLimits DEFAULTS = new CompileLimits(ParseLimits.DEFAULT_MAX_NESTING_DEPTH,
            ParseLimits.DEFAULT_MAX_REPEAT_COUNT, DEFAULT_MAX_NFA_STATES, DEFAULT_MAX_NFA_TRANSITIONS,
            DEFAULT_COMPILE_TIMEOUT_MS);

    /** The name of each limit, as settings, diagnostics and metrics name it. */
    public static final String NESTING_DEPTH = ParseLimits.NESTING_DEPTH;
    public static final String REPEAT_COUNT = ParseLimits.REPEAT_COUNT;
    public static final String NFA_STATES = "maxNfaStates";
    public static final String NFA_TRANSITIONS = "maxNfaTransitions";
    public static final String COMPILE_TIMEOUT = "compileTimeout";

    public CompileLimits {
        new ParseLimits(maxNestingDepth, maxRepeatCount);   // validates both
        if (maxNfaStates < 1) {
            throw new IllegalArgumentException("max NFA states " + maxNfaStates + " < 1");
        }
        if (maxNfaTransitions < 1) {
            throw new IllegalArgumentException("max NFA transitions " + maxNfaTransitions + " < 1");
        }
        if (compileTimeoutMs < 1) {
            throw new IllegalArgumentException("compile timeout " + compileTimeoutMs + " ms < 1");
        }
    }

    public ParseLimits parseLimits() {
        return new ParseLimits(maxNestingDepth, maxRepeatCount);
    }
}
