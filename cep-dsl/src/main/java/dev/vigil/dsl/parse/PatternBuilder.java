package dev.vigil.dsl.parse;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.Span;
import dev.vigil.dsl.ast.Pattern.Contiguity;
import dev.vigil.dsl.ast.Pattern.Quantifier;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Window;
import dev.vigil.dsl.grammar.CepLexer;
import dev.vigil.dsl.grammar.CepParser;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Builds {@link Pattern}s from pattern parse trees: operators become each stage's {@link Contiguity}, and
 * quantifier shorthands become {@code {min,max}} bounds ({@code {n,m} OPTIONAL} min 0 and from n). Bounds that cannot
 * match anything ({@code {0}},
 * {@code {3,2}}) and repeated modifiers are reported here, because the AST cannot even hold them.
 */
final class PatternBuilder {
    private final Diagnostics diagnostics;
    private final Spans spans;
    /** Reads a {@code WITHIN} duration as {@link AstBuilder} does for the rule's windows (null after an error). */
    private final Function<CepParser.DurationContext, Window> windows;

    PatternBuilder(Diagnostics diagnostics, Spans spans, Function<CepParser.DurationContext, Window> windows) {
        this.diagnostics = diagnostics;
        this.spans = spans;
        this.windows = windows;
    }

    Pattern pattern(CepParser.PatternContext ctx) {
        List<Pattern.Stage> stages = new ArrayList<>();
        Contiguity next = Contiguity.STRICT;
        for (int i = 0; i < ctx.getChildCount(); i++) {
            Object child = ctx.getChild(i);
            if (child instanceof CepParser.RelaxedArrowContext) {
                next = Contiguity.RELAXED;
            } else if (child instanceof CepParser.AnyArrowContext) {
                next = Contiguity.NON_DETERMINISTIC;
            } else if (child instanceof CepParser.StageContext stage) {
                stages.add(stage(stages.isEmpty() ? Contiguity.STRICT : next, stage));
                next = Contiguity.STRICT;
            }
        }
        return new Pattern(stages, spans.of(ctx));
    }

    private Pattern.Stage stage(Contiguity contiguity, CepParser.StageContext ctx) {
        Pattern.Element element;
        if (ctx.element() instanceof CepParser.VariableElementContext variable) {
            element = new Pattern.Variable(Names.of(variable.variableName()), spans.of(variable.variableName()));
        } else if (ctx.element() instanceof CepParser.PermuteElementContext permute) {
            element = new Pattern.Permutation(patterns(permute.pattern()), spans.of(permute));
        } else {
            CepParser.GroupElementContext group = (CepParser.GroupElementContext) ctx.element();
            element = group.pattern().size() == 1 ? new Pattern.Group(pattern(group.pattern(0)), spans.of(group))
                    : new Pattern.Alternation(patterns(group.pattern()), spans.of(group));
        }
        Quantifier quantifier = ctx.quantifier() == null ? null : quantifier(ctx.quantifier());
        Window gap = ctx.stageWindow() == null ? null : windows.apply(ctx.stageWindow().duration());
        return new Pattern.Stage(contiguity, ctx.BANG() != null, element, quantifier, gap, spans.of(ctx));
    }

    private List<Pattern> patterns(List<CepParser.PatternContext> contexts) {
        List<Pattern> patterns = new ArrayList<>(contexts.size());
        for (CepParser.PatternContext context : contexts) {
            patterns.add(pattern(context));
        }
        return patterns;
    }

    private Quantifier quantifier(CepParser.QuantifierContext ctx) {
        Span span = spans.of(ctx);
        boolean greedy = false;
        CepParser.QuantifierModifierContext optional = null;
        Contiguity inner = null;
        for (CepParser.QuantifierModifierContext modifier : ctx.quantifierModifier()) {
            int type = modifier.getStart().getType();
            if (type == CepLexer.OPTIONAL) {
                if (optional != null) {
                    diagnostics.error(spans.of(modifier), "OPTIONAL is written twice; once is enough");
                }
                optional = modifier;
                continue;
            }
            if (type == CepLexer.GREEDY) {
                if (greedy) {
                    diagnostics.error(spans.of(modifier), "GREEDY is written twice; once is enough");
                }
                greedy = true;
                continue;
            }
            if (inner != null) {
                diagnostics.error(spans.of(modifier), "a quantifier takes at most one of CONSECUTIVE, RELAXED or "
                        + "COMBINATIONS; remove " + modifier.getText().toUpperCase(java.util.Locale.ROOT));
                continue;
            }
            inner = type == CepLexer.CONSECUTIVE ? Contiguity.STRICT
                    : type == CepLexer.RELAXED ? Contiguity.RELAXED : Contiguity.NON_DETERMINISTIC;
        }
        int min;
        int max;
        if (ctx.QMARK() != null) {
            min = 0;
            max = 1;
        } else if (ctx.PLUS() != null) {
            min = 1;
            max = Quantifier.UNBOUNDED;
        } else if (ctx.STAR() != null) {
            min = 0;
            max = Quantifier.UNBOUNDED;
        } else {
            Integer low = bound(ctx.INTEGER(0).getSymbol().getText(), span);
            Integer high = ctx.COMMA() == null ? low
                    : ctx.INTEGER().size() == 2 ? bound(ctx.INTEGER(1).getSymbol().getText(), span)
                    : Integer.valueOf(Quantifier.UNBOUNDED);
            if (low == null || high == null) {
                return null;
            }
            min = low;
            max = high;
            if (max == 0) {
                String written = ctx.COMMA() == null ? "{" + min + "}" : "{" + min + "," + max + "}";
                diagnostics.error(span, "quantifier " + written + " matches nothing; expected at least 1 as upper "
                        + "bound (use ? or {0,1} for an optional stage)");
                return null;
            }
            if (max != Quantifier.UNBOUNDED && max < min) {
                diagnostics.error(span, "quantifier {" + min + "," + max + "} has its bounds reversed; expected {"
                        + max + "," + min + "}");
                return null;
            }
        }
        if (optional == null) {
            return new Quantifier(min, max, greedy, inner, span);
        }
        if (min == 0) {
            String written = ctx.QMARK() != null ? "?" : ctx.STAR() != null ? "*"
                    : "{0," + (max == Quantifier.UNBOUNDED ? "" : String.valueOf(max)) + "}";
            diagnostics.error(spans.of(optional), "quantifier " + written + " is optional already: OPTIONAL makes a "
                    + "count optional, as in {2,4} OPTIONAL (no event, or 2 to 4)");
            return null;
        }
        return new Quantifier(0, max, min, greedy, inner, span);
    }

    private Integer bound(String digits, Span span) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            diagnostics.error(span, "quantifier bound " + digits + " is too large; expected at most "
                    + Integer.MAX_VALUE);
            return null;
        }
    }
}
