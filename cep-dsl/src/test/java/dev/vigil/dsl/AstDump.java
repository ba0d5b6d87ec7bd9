package dev.vigil.dsl;

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
import java.util.ArrayList;
import java.util.List;

/**
 * A compact, span-free dump of an AST in prefix notation. Two ASTs are equal up to spans exactly when
 * their dumps are equal, which is what the round-trip tests compare; parser tests use it to show the tree.
 */
final class AstDump {
    private AstDump() {}

    static String of(RuleFile file) {
        List<String> out = new ArrayList<>();
        for (StreamDecl stream : file.streams()) {
            out.add(of(stream));
        }
        for (Rule rule : file.rules()) {
            out.add(of(rule));
        }
        return String.join("\n", out);
    }

    static String of(StreamDecl stream) {
        List<String> fields = new ArrayList<>();
        for (FieldDecl field : stream.fields()) {
            fields.add(field.path().dotted() + ":" + field.type());
        }
        return "stream " + stream.name() + " " + fields + " time=" + stream.eventTimeField() + " delay="
                + stream.watermarkDelayMs();
    }

    static String of(Rule rule) {
        StringBuilder out = new StringBuilder("rule ").append(rule.name());
        out.append(" severity=").append(rule.severity());
        out.append(" from=").append(rule.from());
        List<String> keys = new ArrayList<>();
        for (FieldPath key : rule.partitionBy()) {
            keys.add(key.dotted());
        }
        out.append(" partition=").append(keys);
        out.append("\n  pattern ").append(of(rule.pattern()));
        out.append("\n  within=").append(rule.within() == null ? null : rule.within().millis());
        out.append(" gap=").append(rule.gapWithin() == null ? null : rule.gapWithin().millis());
        for (VarDef def : rule.defines()) {
            out.append("\n  define ").append(def.name()).append(" stream=").append(def.stream())
                    .append(" ").append(of(def.condition())).append(" until=").append(of(def.until()));
        }
        out.append("\n  emit ").append(of(rule.emit()));
        out.append("\n  timeout ").append(rule.timeoutEmit() == null ? "none" : of(rule.timeoutEmit()));
        out.append("\n  skip ").append(rule.skip().kind())
                .append(rule.skip().variable() == null ? "" : " " + rule.skip().variable());
        if (rule.suppress() != null) {
            out.append("\n  suppress ").append(rule.suppress().millis());
        }
        for (SinkRef sink : rule.sinks()) {
            out.append("\n  to ").append(sink.isNamed() ? "name " : "").append(sink.word())
                    .append(sink.target() == null ? "" : " '" + sink.target() + "'");
        }
        return out.toString();
    }

    private static String of(List<EmitField> fields) {
        List<String> out = new ArrayList<>();
        for (EmitField field : fields) {
            out.add(field.name() + "=" + of(field.expression()));
        }
        return out.toString();
    }

    static String of(Pattern pattern) {
        List<String> stages = new ArrayList<>();
        for (Pattern.Stage stage : pattern.stages()) {
            List<String> bodies = new ArrayList<>();
            for (Pattern body : stage.element().bodies()) {
                bodies.add(of(body));
            }
            String element = stage.element() instanceof Pattern.Variable v ? v.name()
                    : stage.element() instanceof Pattern.Permutation ? "PERMUTE(" + String.join(", ", bodies) + ")"
                    : "(" + String.join(" | ", bodies) + ")";
            String text = stage.contiguity() + ":" + (stage.negated() ? "!" : "") + element;
            Pattern.Quantifier q = stage.quantifier();
            if (q != null) {
                text += "{" + q.min() + "," + q.max() + (q.optionalCount() ? ",from=" + q.from() : "")
                        + (q.greedy() ? ",greedy" : "")
                        + (q.inner() == null ? "" : ",inner=" + q.inner()) + "}";
            }
            if (stage.gap() != null) {
                text += "@gap=" + stage.gap().millis();
            }
            stages.add(text);
        }
        return String.join(" ", stages);
    }

    static String of(Expr expr) {
        if (expr == null) {
            return "-";
        }
        if (expr instanceof Expr.Literal literal) {
            Object value = literal.value();
            String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
            return literal.kind().name().toLowerCase() + ":" + shown
                    + (value == null ? "" : "@" + value.getClass().getSimpleName());
        }
        if (expr instanceof Expr.Ref ref) {
            return "$" + String.join("/", ref.path());
        }
        if (expr instanceof Expr.Call call) {
            return "(" + call.function() + args(call.args()) + ")";
        }
        if (expr instanceof Expr.Windowed windowed) {
            return "(" + windowed.function() + "_OVER_" + windowed.windowMillis() + " "
                    + (windowed.argument() == null ? "*" : of(windowed.argument())) + ")";
        }
        if (expr instanceof Expr.Unary unary) {
            return "(" + unary.op() + " " + of(unary.operand()) + ")";
        }
        if (expr instanceof Expr.Binary binary) {
            return "(" + binary.op() + " " + of(binary.left()) + " " + of(binary.right()) + ")";
        }
        if (expr instanceof Expr.In in) {
            return "(" + (in.negated() ? "NOT_IN " : "IN ") + of(in.value()) + args(in.options()) + ")";
        }
        if (expr instanceof Expr.Between between) {
            return "(" + (between.negated() ? "NOT_BETWEEN " : "BETWEEN ") + of(between.value()) + " "
                    + of(between.low()) + " " + of(between.high()) + ")";
        }
        if (expr instanceof Expr.IsNull isNull) {
            return "(" + (isNull.negated() ? "IS_NOT_NULL " : "IS_NULL ") + of(isNull.value()) + ")";
        }
        if (expr instanceof Expr.Like like) {
            return "(" + (like.negated() ? "NOT_LIKE " : "LIKE ") + of(like.value()) + " " + of(like.pattern()) + ")";
        }
        if (expr instanceof Expr.RegexMatch match) {
            return "(" + (match.negated() ? "NOT_MATCHES " : "MATCHES ") + of(match.value()) + " "
                    + of(match.pattern()) + ")";
        }
        throw new AssertionError(expr);
    }

    private static String args(List<Expr> args) {
        StringBuilder out = new StringBuilder();
        for (Expr arg : args) {
            out.append(' ').append(of(arg));
        }
        return out.toString();
    }
}
