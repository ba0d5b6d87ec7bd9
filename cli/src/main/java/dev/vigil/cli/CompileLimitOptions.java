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
            description = "Levels rule text may nest (parentheses, NOT, calls, groups, each operator of a chain) "
                    + "(default: ${DEFAULT-VALUE}).")
    int maxNestingDepth;

    @Option(names = "--max-repeat-count", paramLabel = "N",
            defaultValue = "" + dev.vigil.dsl.ParseLimits.DEFAULT_MAX_REPEAT_COUNT,
            description = "Largest count of a quantifier {n}, {n,}, {n,m} (default: ${DEFAULT-VALUE}).")
    int maxRepeatCount;

    @Option(names = "--max-nfa-states", paramLabel = "N", defaultValue = "" + CompileLimits.DEFAULT_MAX_NFA_STATES,
            description = "States one rule's NFA may have (default: ${DEFAULT-VALUE}).")
    int maxNfaStates;

    @Option(names = "--max-nfa-transitions", paramLabel = "N",
            defaultValue = "" + CompileLimits.DEFAULT_MAX_NFA_TRANSITIONS,
            description = "Transitions one rule's NFA may have (default: ${DEFAULT-VALUE}).")
    int maxNfaTransitions;

    @Option(names = "--compile-timeout-ms", paramLabel = "MS",
            defaultValue = "" + CompileLimits.DEFAULT_COMPILE_TIMEOUT_MS,
            description = "Milliseconds one rule may take to compile (default: ${DEFAULT-VALUE}).")
    long compileTimeoutMs;

    /** The limits, or null after printing why they are not valid. */
    CompileLimits limits(java.io.PrintWriter err, String command) {
        try {
            return new CompileLimits(maxNestingDepth, maxRepeatCount, maxNfaStates, maxNfaTransitions,
                    compileTimeoutMs);
        } catch (IllegalArgumentException bad) {
            err.println("vigil " + command + ": " + bad.getMessage() + "; every limit must be at least 1");
            return null;
        }
    }
}
