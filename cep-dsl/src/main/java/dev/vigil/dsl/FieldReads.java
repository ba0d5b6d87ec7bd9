package dev.vigil.dsl;

import dev.vigil.dsl.ast.EmitField;
import dev.vigil.dsl.ast.Expr;
import dev.vigil.dsl.ast.FieldPath;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.VarDef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event fields a checked rule reads: the fields its conditions, {@code UNTIL}s, {@code EMIT}s and
 * {@code PARTITION BY} name, each with the {@code FROM} streams whose events it may be read from (the stream a
 * variable is bound to, else every {@code FROM} stream). Dotted paths for nested fields; the built-ins {@code ts} and
 * {@code stream} are left out. A host compares them with the events that arrive: the server warns about fields no
 * event of a schemaless stream has had.
 */
public final class FieldReads {
    /** A field read from events of one of {@code streams}. */
    public record Read(String field, List<String> streams) {
        public Read {
            streams = List.copyOf(streams);
        }
    }

    private final Rule rule;
    private final Set<String> variables = new HashSet<>();
    private final Map<String, List<String>> boundTo = new HashMap<>();
    private final Set<Read> reads = new LinkedHashSet<>();

    private FieldReads(Rule rule) {
        this.rule = rule;
        collect(rule.pattern());
        for (VarDef def : rule.defines()) {
            if (def.stream() != null) {
                boundTo.putIfAbsent(def.name(), List.of(def.stream()));
            }
        }
    }

    /** Every field the rule reads, once, in the order first read. */
    public static List<Read> of(Rule rule) {
        FieldReads found = new FieldReads(rule);
        found.walk();
        return List.copyOf(found.reads);
    }

    private void walk() {
        for (FieldPath key : rule.partitionBy()) {
            add(rule.from(), key.dotted());
        }
        for (VarDef def : rule.defines()) {
            List<String> current = boundTo.getOrDefault(def.name(), rule.from());
            if (def.condition() != null) {
                expr(def.condition(), current);
            }
            if (def.until() != null) {
                expr(def.until(), current);
            }
        }
        emit(rule.emit());
        if (rule.timeoutEmit() != null) {
            emit(rule.timeoutEmit());
        }
    }

    private void emit(List<EmitField> fields) {
        for (EmitField field : fields) {
            expr(field.expression(), rule.from());
        }
    }

    private void collect(Pattern pattern) {
        for (Pattern.Stage stage : pattern.stages()) {
            if (stage.element() instanceof Pattern.Variable v) {
                variables.add(v.name());
            }
            for (Pattern body : stage.element().bodies()) {
                collect(body);
            }
        }
    }

    /** The fields {@code expr} reads; a bare name is a field of the event tested, from one of {@code current}. */
    private void expr(Expr expr, List<String> current) {
        if (expr instanceof Expr.Ref ref) {
            List<String> path = ref.path();
            if (variables.contains(path.get(0))) {
                if (path.size() > 1) {
                    add(boundTo.getOrDefault(path.get(0), rule.from()),
                            String.join(".", path.subList(1, path.size())));
                }
            } else {
                add(current, ref.dotted());
            }
        } else if (expr instanceof Expr.Call call) {
            for (Expr arg : call.args()) {
                expr(arg, current);
            }
        } else if (expr instanceof Expr.Windowed windowed) {
            if (windowed.argument() != null) {
                expr(windowed.argument(), current);
            }
        } else if (expr instanceof Expr.Unary unary) {
            expr(unary.operand(), current);
        } else if (expr instanceof Expr.Binary binary) {
            expr(binary.left(), current);
            expr(binary.right(), current);
        } else if (expr instanceof Expr.In in) {
            expr(in.value(), current);
            for (Expr option : in.options()) {
                expr(option, current);
            }
        } else if (expr instanceof Expr.Between between) {
            expr(between.value(), current);
            expr(between.low(), current);
            expr(between.high(), current);
        } else if (expr instanceof Expr.IsNull isNull) {
            expr(isNull.value(), current);
        } else if (expr instanceof Expr.Like like) {
            expr(like.value(), current);
            expr(like.pattern(), current);
        } else if (expr instanceof Expr.RegexMatch match) {
            expr(match.value(), current);
            expr(match.pattern(), current);
        } else if (!(expr instanceof Expr.Literal)) {
            throw new AssertionError(expr);
        }
    }

    private void add(List<String> streams, String field) {
        if (field.equals("ts") || field.equals("stream")) {
            return;
        }
        reads.add(new Read(field, streams));
    }
}
