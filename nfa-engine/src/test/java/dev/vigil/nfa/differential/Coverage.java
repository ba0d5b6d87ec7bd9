package dev.vigil.nfa.differential;

import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Pattern.Contiguity;
import dev.vigil.dsl.ast.Pattern.Quantifier;
import dev.vigil.dsl.ast.Pattern.Stage;
import dev.vigil.dsl.ast.Rule;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Counts, over the compared cases of a run, how many cases exercised each construct (Flink API names),
 * condition template, input feature and kind of output, so a run shows what it actually proved.
 *
 * <p><b>Not thread-safe:</b> filled by one run.
 */
final class Coverage {
    private final Map<String, Integer> cases = new TreeMap<>();

    void record(DiffCase diffCase, Outcome flink) {
        Set<String> seen = new TreeSet<>();
        Rule rule = diffCase.rule();
        pattern(rule.pattern(), true, 0, seen);
        Stage last = rule.pattern().stages().get(rule.pattern().stages().size() - 1);
        if (last.negated() && last.contiguity() == Contiguity.RELAXED) {
            seen.add("pattern: trailing notFollowedBy (absence)");
        }
        if (last.negated() && last.contiguity() == Contiguity.STRICT && rule.within() == null) {
            seen.add("pattern: trailing notNext without WITHIN");
        }
        if (rule.within() != null) {
            seen.add("window: within FIRST_AND_LAST");
        }
        if (rule.gapWithin() != null) {
            seen.add("window: within PREVIOUS_AND_CURRENT");
        }
        if (rule.pattern().hasStageWindow()) {
            seen.add("window: within PREVIOUS_AND_CURRENT on single stages (OF PREVIOUS)");
        }
        seen.add("skip: " + rule.skip().kind());
        if (rule.timeoutEmit() != null) {
            seen.add("rule: timed-out partial matches reported");
        }
        for (String variable : variables(rule.pattern(), new TreeSet<>())) {
            CaseCondition condition = diffCase.conditions().get(variable);
            if (condition == null) {
                seen.add("condition: undefined variable");
            } else {
                condition(condition, seen);
            }
            if (diffCase.untils().containsKey(variable)) {
                seen.add("quantifier: until");
                condition(diffCase.untils().get(variable), seen);
            }
        }
        input(diffCase, seen);
        if (flink.matchCount() > 0) {
            seen.add("output: matches");
        }
        if (flink.timeoutCount() > 0) {
            seen.add("output: timed-out partial matches");
        }
        if (flink.lateCount() > 0) {
            seen.add("output: late events");
        }
        for (String construct : seen) {
            cases.merge(construct, 1, Integer::sum);
        }
    }

    private static void pattern(Pattern pattern, boolean topLevel, int depth, Set<String> seen) {
        for (int i = 0; i < pattern.stages().size(); i++) {
            Stage stage = pattern.stages().get(i);
            if (i > 0) {
                seen.add("pattern: " + call(stage));
            }
            Quantifier q = stage.quantifier();
            if (stage.element() instanceof Pattern.Group group) {
                seen.add(depth > 0 ? "group: nested group" : "group: group");
                if (q != null && q.looping()) {
                    seen.add("group: looping group");
                }
                if (q != null && q.optional()) {
                    seen.add("group: optional group");
                }
                pattern(group.body(), false, depth + 1, seen);
            }
            if (q == null) {
                continue;
            }
            seen.add("quantifier: " + quantifier(q));
            if (q.greedy()) {
                seen.add("quantifier: greedy()");
            }
            if (q.inner() != null) {
                seen.add("quantifier: explicit inner " + q.inner());
            }
            if (q.looping()) {
                Contiguity inner = q.inner() != null ? q.inner() : stage.contiguity();
                seen.add("quantifier: loop " + (inner == Contiguity.STRICT ? "consecutive()"
                        : inner == Contiguity.RELAXED ? "relaxed (default)" : "allowCombinations()"));
                if (i == 0 && topLevel) {
                    seen.add("quantifier: loop as first stage");
                }
            }
        }
    }

    private static String call(Stage stage) {
        if (stage.negated()) {
            return stage.contiguity() == Contiguity.STRICT ? "notNext" : "notFollowedBy";
        }
        String group = stage.element() instanceof Pattern.Group ? "(group)" : "";
        return (stage.contiguity() == Contiguity.STRICT ? "next"
                : stage.contiguity() == Contiguity.RELAXED ? "followedBy" : "followedByAny") + group;
    }

    private static String quantifier(Quantifier q) {
        if (q.optionalCount()) {
            return q.max() == Quantifier.UNBOUNDED ? "timesOrMore(n).optional() ({n,} OPTIONAL)"
                    : "times(n,m).optional() ({n,m} OPTIONAL)";
        }
        if (q.max() == Quantifier.UNBOUNDED) {
            return q.min() == 0 ? "oneOrMore().optional() (*)" : q.min() == 1 ? "oneOrMore() (+)" : "timesOrMore(n)";
        }
        if (q.max() == 1) {
            return q.min() == 0 ? "optional() (?)" : "{1,1}";
        }
        if (q.min() == 0) {
            return "times(1,m).optional() ({0,m})";
        }
        return q.min() == q.max() ? "times(n)" : "times(n,m)";
    }

    private static Set<String> variables(Pattern pattern, Set<String> names) {
        for (Stage stage : pattern.stages()) {
            if (stage.element() instanceof Pattern.Variable variable) {
                names.add(variable.name());
            } else {
                variables(((Pattern.Group) stage.element()).body(), names);
            }
        }
        return names;
    }

    private static void condition(CaseCondition condition, Set<String> seen) {
        seen.add("condition: " + condition.getClass().getSimpleName());
        if (condition instanceof CaseCondition.ValueVersus versus) {
            seen.add("condition: aggregate " + versus.aggregate());
        } else if (condition instanceof CaseCondition.And and) {
            condition(and.left(), seen);
            condition(and.right(), seen);
        } else if (condition instanceof CaseCondition.Or or) {
            condition(or.left(), seen);
            condition(or.right(), seen);
        } else if (condition instanceof CaseCondition.Not not) {
            condition(not.operand(), seen);
        }
    }

    private static void input(DiffCase diffCase, Set<String> seen) {
        long maxSeen = Long.MIN_VALUE;
        Set<String> keys = new TreeSet<>();
        Set<Long> timestamps = new TreeSet<>();
        for (CaseEvent event : diffCase.events()) {
            long watermark = maxSeen == Long.MIN_VALUE ? Long.MIN_VALUE : maxSeen - diffCase.watermarkDelayMs() - 1;
            if (event.ts() <= watermark) {
                seen.add("input: late event");
            } else if (event.ts() < maxSeen) {
                seen.add("input: out-of-order event within the delay");
            }
            if (!timestamps.add(event.ts())) {
                seen.add("input: equal timestamps");
            }
            keys.add(event.key());
            maxSeen = Math.max(maxSeen, event.ts());
        }
        if (diffCase.events().size() / keys.size() >= 30) {
            seen.add("input: long stream (30+ events per key)");
        }
        if (keys.size() > 1) {
            seen.add("input: several keys");
        }
        if (diffCase.events().get(0).ts() == 0) {
            seen.add("input: stream starting at timestamp 0");
        }
    }

    /** One line per construct: the number of compared cases that exercised it. */
    String table() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Integer> entry : cases.entrySet()) {
            out.append(String.format("  %6d  %s%n", entry.getValue(), entry.getKey()));
        }
        return out.toString();
    }

    int count(String construct) {
        return cases.getOrDefault(construct, 0);
    }
}
