package dev.vigil.nfa.compile;

import dev.vigil.dsl.ast.Pattern;
import dev.vigil.nfa.expr.Condition;
import dev.vigil.nfa.program.Guard;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a pattern AST into the chain of {@link Step}s that the equivalent Flink CEP Pattern API calls
 * would build, rejecting (with {@link IllegalArgumentException}) every shape the Pattern API or Flink's
 * compiler refuses, or that Flink's NFA cannot run.
 *
 * <p>The mapping: the first stage is {@code begin}; {@code STRICT} is {@code next}, {@code RELAXED}
 * {@code followedBy}, {@code NON_DETERMINISTIC} {@code followedByAny}; negated {@code STRICT} is
 * {@code notNext}, negated {@code RELAXED} {@code notFollowedBy}. {@code {0,1}} and {@code {1,1}} are single
 * (optional when the minimum is 0); an unbounded maximum is {@code oneOrMore()} (from at most 1) or
 * {@code timesOrMore(from)}; anything else is {@code times(from, max)}, where from is the fewest events the stage
 * takes when it takes any ({@code max(min, 1)}, or n for {@code {n,m} OPTIONAL}); a minimum of 0 adds
 * {@code optional()}. A loop's inner contiguity is the quantifier's explicit one, else the stage's own
 * (a first stage counts as strict): strict is {@code consecutive()}, relaxed Flink's default, non-deterministic
 * {@code allowCombinations()}. A stage's own {@code WITHIN d OF PREVIOUS} is its {@code within(d,
 * PREVIOUS_AND_CURRENT)}, in place of the rule's {@code WITHIN d BETWEEN EVENTS}.
 */
final class StepChain {
    private final Map<String, Integer> variables = new HashMap<>();
    private final Map<String, Condition> conditions;
    private final Map<String, Condition> untils;
    private final long gapMs;
    private final Set<String> seen = new HashSet<>();

    private StepChain(List<String> variables, Map<String, Condition> conditions, Map<String, Condition> untils,
            long gapMs) {
        for (int i = 0; i < variables.size(); i++) {
            this.variables.putIfAbsent(variables.get(i), i);
        }
        this.conditions = conditions;
        this.untils = untils;
        this.gapMs = gapMs;
    }

    /** The last step of the chain for {@code pattern}; {@code windowMs} (0: none) goes on that last step. */
    static Step build(Pattern pattern, List<String> variables, Map<String, Condition> conditions,
            Map<String, Condition> untils, long windowMs, long gapMs) {
        return new StepChain(variables, conditions, untils, gapMs).chain(pattern, windowMs);
    }

    private Step chain(Pattern pattern, long windowMs) {
        Step previous = null;
        List<Pattern.Stage> stages = pattern.stages();
        for (int i = 0; i < stages.size(); i++) {
            boolean last = i == stages.size() - 1;
            previous = step(stages.get(i), previous, i == 0, last ? windowMs : 0);
        }
        return previous;
    }

    private Step step(Pattern.Stage stage, Step previous, boolean first, long windowMs) {
        Pattern.Quantifier q = stage.quantifier();
        Step.Consuming consuming = consuming(stage, previous, first);
        boolean negated = consuming == Step.Consuming.NOT_FOLLOW || consuming == Step.Consuming.NOT_NEXT;
        if (negated && q != null) {
            throw reject(stage, "a negated stage cannot have a quantifier");
        }
        boolean looping = q != null && q.max() == Pattern.Quantifier.UNBOUNDED;
        boolean times = q != null && !looping && q.max() > 1;
        boolean optional = q != null && q.min() == 0;
        int from = 0;
        int to = 0;
        if (looping) {
            from = q.from();
            to = from;
        } else if (times) {
            from = q.from();
            to = q.max();
        }
        boolean greedy = q != null && q.greedy();
        if (greedy && !looping && !times) {
            throw reject(stage, "GREEDY needs a looping quantifier");
        }
        if (q != null && q.inner() != null && !looping && !times) {
            throw reject(stage, "an inner contiguity needs a looping quantifier");
        }
        // Flink's Pattern.optional() refuses to follow a greedy pattern (times(0, m) does not check).
        boolean callsOptional = optional && (looping || !times || q.optionalCount());
        if (callsOptional && previous != null && previous.greedy) {
            throw reject(stage, "an optional stage cannot follow a GREEDY stage");
        }
        Step.Consuming inner = looping || times
                ? contiguity(q.inner() != null ? q.inner() : stage.contiguity())
                : Step.Consuming.SKIP_TILL_NEXT;
        Pattern.Element element = stage.element();
        long stageGapMs = stage.gap() != null ? stage.gap().millis() : gapMs;
        if (element instanceof Pattern.Variable variable) {
            return variableStep(stage, variable, previous, consuming, looping, times, optional, greedy, inner, from,
                    to, stageGapMs, windowMs);
        } else if (element instanceof Pattern.Alternation || element instanceof Pattern.Permutation) {
            if (negated) {
                throw reject(stage, "an alternation cannot be negated");
            }
            if (stage.gap() != null || greedy) {
                throw reject(stage, "WITHIN ... OF PREVIOUS and GREEDY apply to a variable, not an alternation");
            }
            if (q != null) {
                // (b | c)+ is the group ((b | c))+: the group machinery repeats it, the alternation branches
                Pattern.Stage alone = new Pattern.Stage(stage.contiguity(), false, element, null, stage.span());
                Pattern.Group group = new Pattern.Group(new Pattern(List.of(alone), stage.span()), stage.span());
                return step(new Pattern.Stage(stage.contiguity(), false, group, q, stage.span()), previous, first,
                        windowMs);
            }
            return alternationStep(stage, previous, consuming, windowMs);
        } else if (element instanceof Pattern.Group group) {
            if (negated) {
                throw reject(stage, "a group cannot be negated");
            }
            if (stage.gap() != null) {
                throw reject(stage, "WITHIN ... OF PREVIOUS applies to a variable, not a group");
            }
            if (greedy) {
                throw reject(stage, "GREEDY is not applicable to a group");
            }
            if ((looping || times) && group.body().canBeEmpty()) {
                throw reject(stage, "a repeated group must match at least one event");
            }
            Step body = chain(group.body(), 0);
            return new Step(Step.GROUP_NAME, -1, previous, consuming, looping, times, optional, false, inner, from,
                    to, Guard.TRUE, null, body, gapMs, windowMs);
        }
        throw new AssertionError(element);
    }

    /**
     * An alternation or a permutation. Every branch is a chain of its own, checked for repeated variables against
     * those bound before the alternation only; the items of a permutation are all on every path, so against each
     * other too. A branch's or item's first stage takes the operator written before the element, so a loop heading
     * it follows that operator by default. {@link NfaCompiler} decides how each is entered.
     */
    private Step alternationStep(Pattern.Stage stage, Step previous, Step.Consuming consuming, long windowMs) {
        boolean permutation = stage.element() instanceof Pattern.Permutation;
        List<Pattern> branches = stage.element().bodies();
        if (permutation && branches.size() > Pattern.Permutation.MAX_ITEMS) {
            throw reject(stage, "PERMUTE of " + branches.size() + " items, more than "
                    + Pattern.Permutation.MAX_ITEMS);
        }
        Set<String> before = new HashSet<>(seen);
        Set<String> after = new HashSet<>(seen);
        List<Step> steps = new ArrayList<>(branches.size());
        for (Pattern branch : branches) {
            if (branch.canBeEmpty()) {
                throw reject(stage, "a branch of an alternation or an item of PERMUTE must match at least one event");
            }
            if (!permutation) {
                seen.clear();
                seen.addAll(before);
            }
            List<Pattern.Stage> stages = new ArrayList<>(branch.stages());
            Pattern.Stage head = stages.get(0);
            stages.set(0, new Pattern.Stage(stage.contiguity(), head.negated(), head.element(), head.quantifier(),
                    head.gap(), head.span()));
            Step body = chain(new Pattern(stages, branch.span()), 0);
            steps.add(new Step(Step.GROUP_NAME, -1, null, consuming, false, false, false, false,
                    Step.Consuming.SKIP_TILL_NEXT, 0, 0, Guard.TRUE, null, body, gapMs, 0));
            after.addAll(seen);
        }
        seen.clear();
        seen.addAll(after);
        return new Step(Step.ALTERNATION_NAME, -1, previous, consuming, false, false, false, false,
                Step.Consuming.SKIP_TILL_NEXT, 0, 0, Guard.TRUE, null, null, steps,
                permutation ? contiguity(stage.contiguity()) : null, gapMs, windowMs);
    }

    private Step variableStep(Pattern.Stage stage, Pattern.Variable variable, Step previous,
            Step.Consuming consuming, boolean looping, boolean times, boolean optional, boolean greedy,
            Step.Consuming inner, int from, int to, long stageGapMs, long windowMs) {
        String name = variable.name();
        if (!seen.add(name) || name.equals(Step.GROUP_NAME) || name.equals(NfaCompiler.END_STATE_NAME)
                || name.equals(Step.ALTERNATION_NAME)) {
            throw reject(stage, "variable " + name + " appears more than once");
        }
        int index = variables.getOrDefault(name, -1);
        Condition condition = conditions.get(name);
        Guard take = new Guard.Defined(index, name, condition == null ? Condition.TRUE : condition);
        Condition untilCondition = untils.get(name);
        Guard until = null;
        if (untilCondition != null) {
            if (!looping) {
                throw reject(stage, "UNTIL on " + name + " needs an unbounded quantifier");
            }
            until = new Guard.Until(index, name, untilCondition);
        }
        return new Step(name, index, previous, consuming, looping, times, optional, greedy, inner, from, to, take,
                until, null, stageGapMs, windowMs);
    }

    private Step.Consuming consuming(Pattern.Stage stage, Step previous, boolean first) {
        if (first) {
            if (stage.negated()) {
                throw reject(stage, "a pattern cannot start with a negation");
            }
            return Step.Consuming.STRICT;
        }
        if (!stage.negated()) {
            return contiguity(stage.contiguity());
        }
        // Flink's notNext/notFollowedBy refuse an optional predecessor.
        if (previous.optional) {
            throw reject(stage, "a negation cannot follow an optional stage");
        }
        if (stage.contiguity() == Pattern.Contiguity.STRICT) {
            return Step.Consuming.NOT_NEXT;
        } else if (stage.contiguity() == Pattern.Contiguity.RELAXED) {
            return Step.Consuming.NOT_FOLLOW;
        }
        throw reject(stage, "a negation cannot be non-deterministic (->> !x)");
    }

    private static Step.Consuming contiguity(Pattern.Contiguity contiguity) {
        if (contiguity == Pattern.Contiguity.STRICT) {
            return Step.Consuming.STRICT;
        } else if (contiguity == Pattern.Contiguity.RELAXED) {
            return Step.Consuming.SKIP_TILL_NEXT;
        } else if (contiguity == Pattern.Contiguity.NON_DETERMINISTIC) {
            return Step.Consuming.SKIP_TILL_ANY;
        }
        throw new AssertionError(contiguity);
    }

    private static IllegalArgumentException reject(Pattern.Stage stage, String why) {
        return new IllegalArgumentException(why + " (at " + stage.span() + ")");
    }
}
