package dev.vigil.nfa.differential;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.Pattern.Contiguity;
import dev.vigil.dsl.ast.Pattern.Group;
import dev.vigil.dsl.ast.Pattern.Quantifier;
import dev.vigil.dsl.ast.Pattern.Stage;
import dev.vigil.dsl.ast.Pattern.Variable;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.Window;
import java.time.Duration;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.WithinType;

/**
 * Translates a generated rule into the Flink CEP Pattern API calls that Vigil promises it means, and
 * records those calls as Java-like text for failure reports.
 *
 * <p>The mapping, followed to the letter:
 * <ul>
 *   <li>first stage {@code begin}; STRICT {@code next}, RELAXED {@code followedBy}, NON_DETERMINISTIC
 *       {@code followedByAny}; negated STRICT {@code notNext}, negated RELAXED {@code notFollowedBy};
 *   <li>quantifier {@code {0,1}}/{@code {1,1}}: single; unbounded with from &le; 1 {@code oneOrMore()},
 *       else {@code timesOrMore(from)}; otherwise {@code times(from, max)} (from: {@code max(min,1)}, or n for
 *       {@code {n,m} OPTIONAL}); then {@code optional()} when min is 0, the loop's inner contiguity ({@code consecutive()} for STRICT,
 *       {@code allowCombinations()} for NON_DETERMINISTIC; the explicit one, else the stage's own, which
 *       is STRICT for a first stage), and {@code greedy()};
 *   <li>{@code UNTIL} {@code until(c)}; {@code WITHIN} {@code within(t)} on the last stage (FIRST_AND_LAST);
 *       the gap window {@code within(t, PREVIOUS_AND_CURRENT)} on every stage, where a stage's own
 *       {@code WITHIN t OF PREVIOUS} replaces the rule's; the five skip strategies.
 * </ul>
 * Flink may throw while these calls are made ({@code MalformedPatternException},
 * {@code UnsupportedOperationException}): the caller treats that as "Flink rejects the shape".
 */
final class FlinkPatterns {
    private final DiffCase diffCase;
    private final Rule rule;
    private final StringBuilder trace = new StringBuilder();

    private FlinkPatterns(DiffCase diffCase) {
        this.diffCase = diffCase;
        this.rule = diffCase.rule();
    }

    /**
     * The Flink pattern of a case. The calls made are appended to {@code calls}, also when Flink throws
     * part way, so a rejection can be shown with the call that caused it.
     */
    static Pattern<CaseEvent, ?> translate(DiffCase diffCase, StringBuilder calls) {
        FlinkPatterns patterns = new FlinkPatterns(diffCase);
        try {
            Pattern<CaseEvent, CaseEvent> pattern = patterns.sequence(diffCase.rule().pattern(), true);
            if (diffCase.rule().within() != null) {
                patterns.trace.append("\n.within(").append(diffCase.rule().within().millis()).append("ms)");
                pattern = pattern.within(Duration.ofMillis(diffCase.rule().within().millis()));
            }
            return pattern;
        } finally {
            calls.append(patterns.trace);
        }
    }

    private Pattern<CaseEvent, CaseEvent> sequence(dev.vigil.dsl.ast.Pattern ast, boolean top) {
        AfterMatchSkipStrategy skip = top ? skipStrategy(rule.skip()) : null;
        Pattern<CaseEvent, CaseEvent> current = null;
        for (int i = 0; i < ast.stages().size(); i++) {
            Stage stage = ast.stages().get(i);
            if (i > 0) {
                trace.append('\n');
            }
            current = i == 0 ? begin(stage, skip) : append(current, stage);
            if (stage.element() instanceof Variable variable) {
                current = condition(current, variable.name());
            }
            current = quantify(current, stage);
            if (stage.element() instanceof Variable variable && diffCase.untils().containsKey(variable.name())) {
                CaseCondition until = diffCase.untils().get(variable.name());
                trace.append(".until(").append(until).append(')');
                current = current.until(new FlinkCondition(until));
            }
            Window gap = stage.gap() != null ? stage.gap() : rule.gapWithin();
            if (gap != null) {
                trace.append(".within(").append(gap.millis()).append("ms, PREVIOUS_AND_CURRENT)");
                current = current.within(Duration.ofMillis(gap.millis()), WithinType.PREVIOUS_AND_CURRENT);
            }
        }
        return current;
    }

    private Pattern<CaseEvent, CaseEvent> begin(Stage stage, AfterMatchSkipStrategy skip) {
        if (stage.negated()) {
            throw new IllegalStateException("a pattern cannot begin with a negation: " + stage);
        }
        String skipText = skip == null ? "" : ", " + skip;
        if (stage.element() instanceof Variable variable) {
            trace.append("begin(\"").append(variable.name()).append('"').append(skipText).append(')');
            return skip == null ? Pattern.begin(variable.name()) : Pattern.begin(variable.name(), skip);
        }
        Group group = (Group) stage.element();
        trace.append("begin(");
        Pattern<CaseEvent, CaseEvent> body = groupBody(group);
        trace.append(skipText).append(')');
        return skip == null ? Pattern.begin(body) : Pattern.begin(body, skip);
    }

    private Pattern<CaseEvent, CaseEvent> append(Pattern<CaseEvent, CaseEvent> previous, Stage stage) {
        Contiguity contiguity = stage.contiguity();
        if (stage.element() instanceof Variable variable) {
            String name = variable.name();
            if (stage.negated()) {
                if (contiguity == Contiguity.STRICT) {
                    trace.append(".notNext(\"").append(name).append("\")");
                    return previous.notNext(name);
                }
                if (contiguity == Contiguity.RELAXED) {
                    trace.append(".notFollowedBy(\"").append(name).append("\")");
                    return previous.notFollowedBy(name);
                }
                throw new IllegalStateException("no Flink call for a " + contiguity + " negation: " + stage);
            }
            if (contiguity == Contiguity.STRICT) {
                trace.append(".next(\"").append(name).append("\")");
                return previous.next(name);
            }
            if (contiguity == Contiguity.RELAXED) {
                trace.append(".followedBy(\"").append(name).append("\")");
                return previous.followedBy(name);
            }
            trace.append(".followedByAny(\"").append(name).append("\")");
            return previous.followedByAny(name);
        }
        if (stage.negated()) {
            throw new IllegalStateException("Flink has no negated group: " + stage);
        }
        Group group = (Group) stage.element();
        String call = contiguity == Contiguity.STRICT ? "next" : contiguity == Contiguity.RELAXED ? "followedBy"
                : "followedByAny";
        trace.append('.').append(call).append('(');
        Pattern<CaseEvent, CaseEvent> body = groupBody(group);
        trace.append(')');
        if (contiguity == Contiguity.STRICT) {
            return previous.next(body);
        }
        return contiguity == Contiguity.RELAXED ? previous.followedBy(body) : previous.followedByAny(body);
    }

    private Pattern<CaseEvent, CaseEvent> groupBody(Group group) {
        trace.append("\n  ");
        int start = trace.length();
        Pattern<CaseEvent, CaseEvent> body = sequence(group.body(), false);
        String text = trace.substring(start).replace("\n", "\n  ");
        trace.setLength(start);
        trace.append(text).append('\n');
        return body;
    }

    private Pattern<CaseEvent, CaseEvent> condition(Pattern<CaseEvent, CaseEvent> pattern, String variable) {
        CaseCondition condition = diffCase.conditions().get(variable);
        if (condition == null) {
            // An undefined variable. Without where(), Flink's Pattern.getCondition() is
            // BooleanConditions.trueFunction(); an always-true condition of our own means the same and
            // lets FlinkCondition count the work, which bounds runaway cases.
            trace.append(".where(TRUE /* undefined */)");
            return pattern.where(new FlinkCondition(new CaseCondition.Always()));
        }
        trace.append(".where(").append(condition).append(')');
        return pattern.where(new FlinkCondition(condition));
    }

    private Pattern<CaseEvent, CaseEvent> quantify(Pattern<CaseEvent, CaseEvent> pattern, Stage stage) {
        Quantifier q = stage.quantifier();
        if (q == null) {
            return pattern;
        }
        if (q.max() == Quantifier.UNBOUNDED) {
            if (q.from() <= 1) {
                trace.append(".oneOrMore()");
                pattern = pattern.oneOrMore();
            } else {
                trace.append(".timesOrMore(").append(q.from()).append(')');
                pattern = pattern.timesOrMore(q.from());
            }
        } else if (q.max() > 1) {
            int from = q.from();
            trace.append(".times(").append(from).append(", ").append(q.max()).append(')');
            pattern = pattern.times(from, q.max());
        }
        if (q.min() == 0) {
            trace.append(".optional()");
            pattern = pattern.optional();
        }
        Contiguity inner = q.inner() != null ? q.inner() : q.looping() ? stage.contiguity() : null;
        if (inner == Contiguity.STRICT) {
            trace.append(".consecutive()");
            pattern = pattern.consecutive();
        } else if (inner == Contiguity.NON_DETERMINISTIC) {
            trace.append(".allowCombinations()");
            pattern = pattern.allowCombinations();
        }
        if (q.greedy()) {
            trace.append(".greedy()");
            pattern = pattern.greedy();
        }
        return pattern;
    }

    private static AfterMatchSkipStrategy skipStrategy(AfterMatchSkip skip) {
        AfterMatchSkip.Kind kind = skip.kind();
        if (kind == AfterMatchSkip.Kind.NO_SKIP) {
            return AfterMatchSkipStrategy.noSkip();
        } else if (kind == AfterMatchSkip.Kind.TO_NEXT_EVENT) {
            return AfterMatchSkipStrategy.skipToNext();
        } else if (kind == AfterMatchSkip.Kind.PAST_LAST_EVENT) {
            return AfterMatchSkipStrategy.skipPastLastEvent();
        } else if (kind == AfterMatchSkip.Kind.TO_FIRST) {
            return AfterMatchSkipStrategy.skipToFirst(skip.variable());
        } else if (kind == AfterMatchSkip.Kind.TO_LAST) {
            return AfterMatchSkipStrategy.skipToLast(skip.variable());
        }
        throw new AssertionError(kind);
    }
}
