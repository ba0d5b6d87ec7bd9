package dev.vigil.cli;

import dev.vigil.nfa.CompileLimits;
import picocli.CommandLine.Option;

/**
 * The compile limits as options of the commands that compile rule files ({@code check}, {@code run},
 * {@code explain}, {@code backtest}), with the server's defaults and names, so a file {@code vigil check} accepts is
 * one a server with the same settings accepts.
 */
final class CompileLimitOptions {
    @Option(names = "--max-nesting-depth", paramLabel = "N",
            defaultValue = "" + dev.vigil.dsl.ParseLimits.DEFAULT_MAX_NESTING_DEPTH,
            description = "Levels rule text may nest (parentheses, NOT, calls, groups, each operator of a chain), at "
                    + "least 1 (default: ${DEFAULT-VALUE}).")
    int maxNestingDepth;

    @Option(names = "--max-repeat-count", paramLabel = "N",
            defaultValue = "" + dev.vigil.dsl.ParseLimits.DEFAULT_MAX_REPEAT_COUNT,
            description = "Largest count of a quantifier {n}, {n,}, {n,m}, at least 1 (default: ${DEFAULT-VALUE}).")
    int maxRepeatCount;

    @Option(names = "--max-nfa-states", paramLabel = "N", defaultValue = "" + CompileLimits.DEFAULT_MAX_NFA_STATES,
            description = "States one rule's NFA may have, at least 1 (default: ${DEFAULT-VALUE}).")
    int maxNfaStates;

    @Option(names = "--max-nfa-transitions", paramLabel = "N",
            defaultValue = "" + CompileLimits.DEFAULT_MAX_NFA_TRANSITIONS,
            description = "Transitions one rule's NFA may have, at least 1 (default: ${DEFAULT-VALUE}).")
    int maxNfaTransitions;

    @Option(names = "--compile-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long one rule may take to compile, such as 5s (default: "
                    + CompileLimits.DEFAULT_COMPILE_TIMEOUT_MS + "ms).")
    Long compileTimeoutMs;

    @Option(names = "--compile-timeout-ms", paramLabel = "MS", converter = DurationConverter.class, hidden = true,
            description = "Deprecated name of --compile-timeout (a bare number is milliseconds).")
    Long deprecatedCompileTimeoutMs;

    /** The limits, or null after printing why they are not valid (naming the option and what it allows). */
    CompileLimits limits(java.io.PrintWriter err, String command) {
        String problem = atLeastOne("--max-nesting-depth", maxNestingDepth);
        problem = problem != null ? problem : atLeastOne("--max-repeat-count", maxRepeatCount);
        problem = problem != null ? problem : atLeastOne("--max-nfa-states", maxNfaStates);
        problem = problem != null ? problem : atLeastOne("--max-nfa-transitions", maxNfaTransitions);
        if (compileTimeoutMs != null && deprecatedCompileTimeoutMs != null) {
            problem = "--compile-timeout and --compile-timeout-ms name the same limit (the second is its deprecated "
                    + "name); give --compile-timeout only";
        }
        long timeoutMs = compileTimeoutMs != null ? compileTimeoutMs : deprecatedCompileTimeoutMs != null
                ? deprecatedCompileTimeoutMs : CompileLimits.DEFAULT_COMPILE_TIMEOUT_MS;
        if (problem == null && timeoutMs < 1) {
            problem = "--compile-timeout must be at least 1ms, got " + timeoutMs + "ms";
        }
        if (problem != null) {
            err.println("vigil " + command + ": " + problem);
            return null;
        }
        return new CompileLimits(maxNestingDepth, maxRepeatCount, maxNfaStates, maxNfaTransitions, timeoutMs);
    }

    private static String atLeastOne(String option, long value) {
        return value >= 1 ? null : option + " must be at least 1, got " + value;
    }
}
