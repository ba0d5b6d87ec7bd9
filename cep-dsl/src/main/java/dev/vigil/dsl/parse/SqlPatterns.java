package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Pattern.Contiguity;
import dev.vigil.dsl.ast.Pattern.Quantifier;
import dev.vigil.dsl.grammar.MatchRecognizeParser;
import java.util.ArrayList;
import java.util.List;

/**
 * A MATCH_RECOGNIZE row pattern as a rule pattern, translated as Flink SQL translates it to Flink CEP:
 * <pre>
 *   A B          a b             strict: B is the row right after A (Flink next)
 *   A {- X*? -} B  a -> b        rows between skipped (followedBy); {- X* -} is a ->> b (followedByAny), as
 *                                Flink 2.x SQL translates them (Flink 1.20 refuses {- -})
 *   B+  B*       b+ GREEDY CONSECUTIVE, b* GREEDY CONSECUTIVE     (greedy: SQL's default)
 *   B{2,4}       b{2,4} GREEDY CONSECUTIVE;  B{,4} is B{0,4}
 *   B+?  B{2,}?  the same without GREEDY (reluctant)
 *   B?  B{3}     b?, b{3} CONSECUTIVE    (never greedy, as in Flink SQL)
 * </pre>
 * Flink SQL's refusals are kept with its words: a greedy quantifier ending the pattern, a reluctant optional
 * {@code B??}, {@code {- -}} at either end or with another quantifier. Beyond Flink SQL, which refuses them,
 * alternation {@code A (B | C D)} and {@code PERMUTE(A, B, C)} are the rule language's (its items follow each other
 * strictly, as SQL's rows do), and groups {@code (A B)+} too.
 */
final class SqlPatterns {
    private final Diagnostics diagnostics;
    private final Spans spans;
    private boolean ok = true;

    /** A translated pattern. */
    record Built(Pattern pattern) {}

    SqlPatterns(Diagnostics diagnostics, Spans spans) {
        this.diagnostics = diagnostics;
        this.spans = spans;
    }

    /** The pattern, or null after reporting what cannot be translated. */
    Built pattern(MatchRecognizeParser.RowPatternContext ctx) {
        Pattern pattern = rowPattern(ctx);
        if (pattern != null) {
            Quantifier greedy = greedyEnd(pattern);
            if (greedy != null) {
                error(greedy.span(), "greedy quantifiers are not allowed as the last element of a pattern (as in "
                        + "Flink SQL: such a match could only end when a row breaks it); make it reluctant with a "
                        + "trailing ?, as in B+?");
            }
        }
        return ok && pattern != null ? new Built(pattern) : null;
    }

    /** The greedy quantifier a match can end with (the last stage's, or one ending a branch or item there), or null. */
    private static Quantifier greedyEnd(Pattern pattern) {
        Pattern.Stage last = pattern.stages().get(pattern.stages().size() - 1);
        if (last.quantifier() != null && last.quantifier().greedy()) {
            return last.quantifier();
        }
        for (Pattern body : last.element().bodies()) {
            Quantifier greedy = greedyEnd(body);
            if (greedy != null) {
                return greedy;
            }
        }
        return null;
    }

    /** {@code A B | C}: a sequence, or an alternation of sequences as the one stage of a pattern. */
    private Pattern rowPattern(MatchRecognizeParser.RowPatternContext ctx) {
        if (ctx.patternTerm().size() == 1) {
            return sequence(ctx.patternTerm(0));
        }
        Pattern.Alternation alternation = alternation(ctx);
        return alternation == null ? null : new Pattern(List.of(new Pattern.Stage(Contiguity.STRICT, false,
                alternation, null, spans.of(ctx))), spans.of(ctx));
    }

    private Pattern.Alternation alternation(MatchRecognizeParser.RowPatternContext ctx) {
        List<Pattern> branches = new ArrayList<>();
        for (MatchRecognizeParser.PatternTermContext term : ctx.patternTerm()) {
            Pattern branch = sequence(term);
            if (branch == null) {
                return null;
            }
            branches.add(branch);
        }
        return new Pattern.Alternation(branches, spans.of(ctx));
    }

    private Pattern sequence(MatchRecognizeParser.PatternTermContext term) {
        List<Pattern.Stage> stages = new ArrayList<>();
        Contiguity next = Contiguity.STRICT;
        Span excluded = null;
        for (MatchRecognizeParser.PatternFactorContext factor : term.patternFactor()) {
            if (factor instanceof MatchRecognizeParser.ExcludedFactorContext exclusion) {
                excluded = spans.of(exclusion);
                next = exclusion(exclusion, stages.isEmpty());
                continue;
            }
            MatchRecognizeParser.QuantifiedFactorContext quantified =
                    (MatchRecognizeParser.QuantifiedFactorContext) factor;
            Pattern.Element element = element(quantified.patternPrimary());
            if (element == null) {
                return null;
            }
            Quantifier quantifier = quantified.quantifier() == null ? null : quantifier(quantified.quantifier());
            stages.add(new Pattern.Stage(stages.isEmpty() ? Contiguity.STRICT : next, false, element, quantifier,
                    spans.of(quantified)));
            next = Contiguity.STRICT;
            excluded = null;
        }
        if (excluded != null) {
            error(excluded, "{- -} cannot end a pattern (as in Flink SQL): it only says how the rows around it "
                    + "follow each other");
        }
        return stages.isEmpty() ? null : new Pattern(stages, spans.of(term));
    }

    /** {@code {- X*? -}}: the next variable follows relaxed; {@code {- X* -}}: non-deterministically. */
    private Contiguity exclusion(MatchRecognizeParser.ExcludedFactorContext ctx, boolean first) {
        Span span = spans.of(ctx);
        if (first) {
            error(span, "{- -} cannot start a pattern (as in Flink SQL): it says how the rows around it follow each "
                    + "other");
        }
        MatchRecognizeParser.QuantifierContext q = ctx.quantifier();
        if (q == null || q.STAR() == null) {
            error(span, "{- -} takes X* (any rows between, every combination: ->>) or X*? (skip to the next "
                    + "match: ->), as in Flink SQL");
            return Contiguity.STRICT;
        }
        return q.reluctant == null ? Contiguity.NON_DETERMINISTIC : Contiguity.RELAXED;
    }

    private Pattern.Element element(MatchRecognizeParser.PatternPrimaryContext ctx) {
        if (ctx instanceof MatchRecognizeParser.VariablePrimaryContext variable) {
            return new Pattern.Variable(SqlReader.name(variable.name()), spans.of(variable));
        }
        if (ctx instanceof MatchRecognizeParser.GroupPrimaryContext group) {
            if (group.rowPattern().patternTerm().size() > 1) {
                return alternation(group.rowPattern());
            }
            Pattern body = sequence(group.rowPattern().patternTerm(0));
            return body == null ? null : new Pattern.Group(body, spans.of(group));
        }
        MatchRecognizeParser.PermutePrimaryContext permute = (MatchRecognizeParser.PermutePrimaryContext) ctx;
        List<Pattern> items = new ArrayList<>();
        for (MatchRecognizeParser.RowPatternContext item : permute.rowPattern()) {
            Pattern pattern = rowPattern(item);
            if (pattern == null) {
                return null;
            }
            items.add(pattern);
        }
        return new Pattern.Permutation(items, spans.of(permute));
    }

    private Quantifier quantifier(MatchRecognizeParser.QuantifierContext ctx) {
        Span span = spans.of(ctx);
        boolean greedy = ctx.reluctant == null;
        int min;
        int max;
        if (ctx.STAR() != null) {
            min = 0;
            max = Quantifier.UNBOUNDED;
        } else if (ctx.PLUS() != null) {
            min = 1;
            max = Quantifier.UNBOUNDED;
        } else if (ctx.QMARK().size() > (greedy ? 0 : 1)) {
            if (!greedy) {
                error(span, "reluctant optional variables (??) are not supported (as in Flink SQL); write ?");
                return null;
            }
            return new Quantifier(0, 1, false, null, span);
        } else if (ctx.COMMA() == null) {
            min = count(ctx.INTEGER(0).getSymbol());
            max = min;
        } else {
            min = ctx.min == null ? 0 : count(ctx.min);
            max = ctx.max == null ? Quantifier.UNBOUNDED : count(ctx.max);
        }
        if (min == 0 && max == 1) {
            if (!greedy) {
                error(span, "reluctant optional variables are not supported (as in Flink SQL); write {0,1}");
                return null;
            }
            return new Quantifier(0, 1, false, null, span);
        }
        if (min < 0 || max == 0 || max != Quantifier.UNBOUNDED && max < min) {
            error(span, max == 0 ? "a quantifier needs a count of at least 1" : "a quantifier's upper count must not"
                    + " be below its lower one");
            return null;
        }
        boolean exact = min == max;
        return new Quantifier(min, max, greedy && !exact, max == 1 ? null : Contiguity.STRICT, span);
    }

    private int count(org.antlr.v4.runtime.Token digits) {
        try {
            return Integer.parseInt(digits.getText());
        } catch (NumberFormatException e) {
            error(spans.of(digits), "count " + digits.getText() + " is too large");
            return -1;
        }
    }

    private void error(Span span, String message) {
        diagnostics.error(span, message);
        ok = false;
    }
}
