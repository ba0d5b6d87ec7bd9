package dev.vigil.nfa.compile;

import dev.vigil.nfa.program.Guard;
import java.util.List;

/**
 * One link of the Flink-shaped pattern chain that {@link NfaCompiler} walks backwards: what a Flink CEP
 * {@code Pattern} object holds after the Pattern API calls our AST maps to ({@code next}/{@code followedBy}/
 * ..., {@code oneOrMore}/{@code times}/{@code optional}/{@code greedy}/{@code consecutive}/
 * {@code allowCombinations}, {@code until}, {@code within}). Built by {@link StepChain}.
 */
final class Step {
    /** Flink's {@code Quantifier.ConsumingStrategy}. */
    enum Consuming {
        STRICT,
        SKIP_TILL_NEXT,
        SKIP_TILL_ANY,
        NOT_FOLLOW,
        NOT_NEXT
    }

    /** Flink names every group pattern "GroupPattern"; state names derived from it carry that name. */
    static final String GROUP_NAME = "GroupPattern";
    /** The name of an alternation's branching state (beyond Flink; no Flink pattern name contains {@code $}). */
    static final String ALTERNATION_NAME = "$alternation$";

    final String name;
    /** The variable number, or -1 for a group. */
    final int variable;
    final Step previous;
    final Consuming consuming;
    /** Quantifier property LOOPING ({@code oneOrMore}, {@code timesOrMore}). */
    final boolean looping;
    /** Quantifier property TIMES ({@code times(n)}, {@code times(n, m)}). */
    final boolean times;
    final boolean optional;
    final boolean greedy;
    final Consuming inner;
    /** Flink's {@code Times} (from, to); both 0 when the step has no {@code Times} (a single step). */
    final int from;
    final int to;
    /** The take condition: the variable's condition, or true for a group. */
    final Guard condition;
    /** The {@code UNTIL} guard, or null. */
    final Guard until;
    /** Last step of the group's own chain, or null for a variable. */
    final Step body;
    /**
     * For an alternation, its branches, each a group step (without quantifier) whose body is the branch's chain,
     * left to right (for a permutation, its items); null otherwise.
     */
    final List<Step> branches;
    /** For a permutation, how its items follow each other (the operator written before it); null otherwise. */
    final Consuming between;
    /** {@code within(t, PREVIOUS_AND_CURRENT)} on this step, 0 for none. */
    final long gapMs;
    /** {@code within(t)} ({@code FIRST_AND_LAST}) on this step, 0 for none. */
    final long windowMs;

    Step(String name, int variable, Step previous, Consuming consuming, boolean looping, boolean times,
            boolean optional, boolean greedy, Consuming inner, int from, int to, Guard condition, Guard until,
            Step body, long gapMs, long windowMs) {
        this(name, variable, previous, consuming, looping, times, optional, greedy, inner, from, to, condition, until,
                body, null, null, gapMs, windowMs);
    }

    Step(String name, int variable, Step previous, Consuming consuming, boolean looping, boolean times,
            boolean optional, boolean greedy, Consuming inner, int from, int to, Guard condition, Guard until,
            Step body, List<Step> branches, Consuming between, long gapMs, long windowMs) {
        this.name = name;
        this.variable = variable;
        this.previous = previous;
        this.consuming = consuming;
        this.looping = looping;
        this.times = times;
        this.optional = optional;
        this.greedy = greedy;
        this.inner = inner;
        this.from = from;
        this.to = to;
        this.condition = condition;
        this.until = until;
        this.body = body;
        this.branches = branches == null ? null : List.copyOf(branches);
        this.between = between;
        this.gapMs = gapMs;
        this.windowMs = windowMs;
    }

    boolean isGroup() {
        return body != null;
    }

    boolean isAlternation() {
        return branches != null;
    }

    boolean hasTimes() {
        return from > 0;
    }

    boolean negated() {
        return consuming == Consuming.NOT_FOLLOW || consuming == Consuming.NOT_NEXT;
    }
}
