package dev.vigil.dsl;

import dev.vigil.dsl.ast.AfterMatchSkip;
import dev.vigil.dsl.ast.EmitField;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.SinkRef;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.ast.VarDef;
import dev.vigil.dsl.ast.Window;
import dev.vigil.dsl.parse.Keywords;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints ASTs as canonical rule text: {@code RuleParser.parse(print(x))} yields an AST equal to {@code x} up to
 * spans. Parentheses appear only where precedence needs them, names are backquoted only when they are
 * reserved words or not plain identifiers, durations use the largest unit that divides them, and the default
 * {@code AFTER MATCH SKIP PAST LAST EVENT} is left out.
 *
 * <p>Two shapes have no text of their own and print as the nearest one: an unbound {@link VarDef} without a
 * condition prints as {@code v AS TRUE}, and a statement order mixing streams and rules prints streams first.
 * Non-finite doubles cannot be written and are rejected with {@link IllegalArgumentException}.
 */
public final class RulePrinter {
    private static final String INDENT = "  ";

    private RulePrinter() {}

    /** All statements of a file: streams first, then rules, each ending with {@code ;} and a blank line between. */
    public static String print(RuleFile file) {
        List<String> statements = new ArrayList<>();
        for (StreamDecl stream : file.streams()) {
            statements.add(print(stream));
        }
        for (Rule rule : file.rules()) {
            statements.add(print(rule));
        }
        return String.join("\n", statements);
    }

    public static String print(StreamDecl stream) {
        StringBuilder out = new StringBuilder("STREAM ").append(name(stream.name())).append(" (");
        List<String> fields = new ArrayList<>();
        for (FieldDecl field : stream.fields()) {
            fields.add(path(field.path()) + " " + field.type());
        }
        out.append(String.join(", ", fields)).append(')');
        if (stream.eventTimeField() != null) {
            out.append('\n').append(INDENT).append("EVENT TIME ").append(path(stream.eventTimeField()));
        }
        if (stream.watermarkDelayMs() >= 0) {
            out.append('\n').append(INDENT).append("WATERMARK DELAY ").append(duration(stream.watermarkDelayMs()));
        }
        return out.append(";\n").toString();
    }

    public static String print(Rule rule) {
        StringBuilder out = new StringBuilder("RULE ").append(name(rule.name()));
        if (rule.severity() != null) {
            clause(out, "SEVERITY " + name(rule.severity()));
        }
        List<String> from = new ArrayList<>();
        for (String stream : rule.from()) {
            from.add(name(stream));
        }
        clause(out, "FROM " + String.join(", ", from));
        if (!rule.partitionBy().isEmpty()) {
            List<String> keys = new ArrayList<>();
            for (FieldPath key : rule.partitionBy()) {
                keys.add(path(key));
            }
            clause(out, "PARTITION BY " + String.join(", ", keys));
        }
        clause(out, "PATTERN " + print(rule.pattern()));
        if (rule.within() != null) {
            clause(out, "WITHIN " + duration(rule.within()));
        }
        if (rule.gapWithin() != null) {
            clause(out, "WITHIN " + duration(rule.gapWithin()) + " BETWEEN EVENTS");
        }
        if (!rule.defines().isEmpty()) {
            List<String> defines = new ArrayList<>();
            for (VarDef def : rule.defines()) {
                defines.add(INDENT + INDENT + varDef(def, rule.from()));
            }
            clause(out, "DEFINE\n" + String.join(",\n", defines));
        }
        if (!rule.emit().isEmpty()) {
            clause(out, "EMIT " + emitFields(rule.emit()));
        }
        if (rule.timeoutEmit() != null) {
            clause(out, rule.timeoutEmit().isEmpty() ? "ON TIMEOUT EMIT" : "ON TIMEOUT EMIT "
                    + emitFields(rule.timeoutEmit()));
        }
        if (rule.skip() != null && rule.skip().kind() != AfterMatchSkip.Kind.PAST_LAST_EVENT) {
            clause(out, "AFTER MATCH SKIP " + skip(rule.skip()));
        }
        if (rule.suppress() != null) {
            clause(out, "SUPPRESS FOR " + duration(rule.suppress()));
        }
        if (!rule.sinks().isEmpty()) {
            List<String> sinks = new ArrayList<>();
            for (SinkRef sink : rule.sinks()) {
                sinks.add(sink(sink));
            }
            clause(out, "TO " + String.join(", ", sinks));
        }
        return out.append(";\n").toString();
    }

    private static void clause(StringBuilder out, String text) {
        out.append('\n').append(INDENT).append(text);
    }

    private static String varDef(VarDef def, List<String> from) {
        StringBuilder out = new StringBuilder(name(def.name())).append(" AS ");
        if (def.stream() != null) {
            out.append(name(def.stream()));
            if (def.condition() != null) {
                out.append('(').append(print(def.condition())).append(')');
            }
        } else if (def.condition() == null) {
            out.append("TRUE");
        } else if (looksLikeBinding(def.condition(), from)) {
            // Without parentheses the reader would take a field or function named like a FROM stream as a binding.
            out.append('(').append(print(def.condition())).append(')');
        } else {
            out.append(print(def.condition()));
        }
        if (def.until() != null) {
            out.append(" UNTIL ").append(print(def.until()));
        }
        return out.toString();
    }

    private static boolean looksLikeBinding(Expr condition, List<String> from) {
        if (condition instanceof Expr.Ref ref) {
            return ref.path().size() == 1 && from.contains(ref.path().get(0));
        }
        return condition instanceof Expr.Call call && from.contains(call.function());
    }

    private static String emitFields(List<EmitField> fields) {
        List<String> out = new ArrayList<>();
        for (EmitField field : fields) {
            out.add(name(field.name()) + " = " + print(field.expression()));
        }
        return String.join(", ", out);
    }

    private static String sink(SinkRef sink) {
        if (sink.target() != null) {
            return sink.word() + " '" + sink.target().replace("'", "''") + "'";
        }
        return sink.isNamed() ? name(sink.word()) : sink.word();
    }

    private static String skip(AfterMatchSkip skip) {
        switch (skip.kind()) {
            case NO_SKIP:
                return "NO SKIP";
            case TO_NEXT_EVENT:
                return "TO NEXT EVENT";
            case PAST_LAST_EVENT:
                return "PAST LAST EVENT";
            case TO_FIRST:
                return "TO FIRST " + name(skip.variable());
            case TO_LAST:
                return "TO LAST " + name(skip.variable());
            default:
                throw new AssertionError(skip);
        }
    }

    // ------------------------------------------------------------------ patterns

    public static String print(Pattern pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.stages().size(); i++) {
            Pattern.Stage stage = pattern.stages().get(i);
            if (i > 0) {
                out.append(operator(stage.contiguity()));
            }
            if (stage.negated()) {
                out.append('!');
            }
            if (stage.element() instanceof Pattern.Variable v) {
                out.append(Keywords.quoteVariableIfNeeded(v.name()));
            } else if (stage.element() instanceof Pattern.Permutation permutation) {
                out.append("PERMUTE(").append(join(permutation.items(), ", ")).append(')');
            } else {
                out.append('(').append(join(stage.element().bodies(), " | ")).append(')');
            }
            if (stage.quantifier() != null) {
                out.append(quantifier(stage.quantifier()));
            }
            if (stage.gap() != null) {
                out.append(" WITHIN ").append(duration(stage.gap())).append(" OF PREVIOUS");
            }
        }
        return out.toString();
    }

    private static String join(List<Pattern> patterns, String separator) {
        StringBuilder out = new StringBuilder();
        for (Pattern pattern : patterns) {
            out.append(out.length() == 0 ? "" : separator).append(print(pattern));
        }
        return out.toString();
    }

    private static String operator(Pattern.Contiguity contiguity) {
        switch (contiguity) {
            case STRICT:
                return " ";
            case RELAXED:
                return " -> ";
            case NON_DETERMINISTIC:
                return " ->> ";
            default:
                throw new AssertionError(contiguity);
        }
    }

    private static String quantifier(Pattern.Quantifier q) {
        String text;
        if (q.optionalCount()) {
            text = q.max() == Pattern.Quantifier.UNBOUNDED ? "{" + q.from() + ",} OPTIONAL"
                    : q.max() == q.from() ? "{" + q.from() + "} OPTIONAL"
                    : "{" + q.from() + "," + q.max() + "} OPTIONAL";
        } else if (q.min() == 0 && q.max() == 1) {
            text = "?";
        } else if (q.min() == 1 && q.max() == Pattern.Quantifier.UNBOUNDED) {
            text = "+";
        } else if (q.min() == 0 && q.max() == Pattern.Quantifier.UNBOUNDED) {
            text = "*";
        } else if (q.max() == Pattern.Quantifier.UNBOUNDED) {
            text = "{" + q.min() + ",}";
        } else if (q.min() == q.max()) {
            text = "{" + q.min() + "}";
        } else {
            text = "{" + q.min() + "," + q.max() + "}";
        }
        if (q.greedy()) {
            text += " GREEDY";
        }
        if (q.inner() != null) {
            text += q.inner() == Pattern.Contiguity.STRICT ? " CONSECUTIVE"
                    : q.inner() == Pattern.Contiguity.RELAXED ? " RELAXED" : " COMBINATIONS";
        }
        return text;
    }

    // ------------------------------------------------------------------ expressions

    public static String print(Expr expr) {
        return new ExprText().print(expr);
    }

    /** {@code 10 MINUTES}, {@code 1 SECOND}, {@code 1500 MILLISECONDS}: the largest unit that divides exactly. */
    public static String duration(long millis) {
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"DAY", "HOUR", "MINUTE", "SECOND"};
        if (millis != 0) {
            for (int i = 0; i < sizes.length; i++) {
                if (millis % sizes[i] == 0) {
                    long amount = millis / sizes[i];
                    return amount + " " + units[i] + (Math.abs(amount) == 1 ? "" : "S");
                }
            }
        }
        return millis + (Math.abs(millis) == 1 ? " MILLISECOND" : " MILLISECONDS");
    }

    private static String duration(Window window) {
        return duration(window.millis());
    }

    static String name(String name) {
        return Keywords.quoteIfNeeded(name);
    }

    private static String path(FieldPath path) {
        List<String> out = new ArrayList<>();
        for (String segment : path.segments()) {
            out.add(name(segment));
        }
        return String.join(".", out);
    }
}
