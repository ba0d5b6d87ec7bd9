package dev.vigil.dsl.check;

import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.StreamDecl;
import dev.vigil.dsl.ast.VarDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What names mean inside one rule: its pattern variables (in pattern order) and the fields each event may
 * have. Fields are known when every FROM stream is declared, or, for a variable, when it is bound to a
 * declared stream; otherwise the rule is schemaless there and field names are not checked.
 */
final class RuleScope {
    /** A pattern variable: its first occurrence in the pattern. */
    record Variable(String name, Pattern.Stage stage, boolean negated, boolean inGroup) {}

    final Rule rule;
    final Map<String, StreamDecl> declared;
    final Map<String, Variable> variables = new LinkedHashMap<>();
    /** Each variable's first definition, as {@link Rule#define} finds it, without its scan per lookup. */
    private final Map<String, VarDef> definitions = new HashMap<>();
    /** Fields of an event of any FROM stream, or {@code null} when some FROM stream is not declared. */
    final FieldSet fromFields;

    RuleScope(Rule rule, Map<String, StreamDecl> declared) {
        this.rule = rule;
        this.declared = declared;
        collect(rule.pattern(), false);
        for (VarDef def : rule.defines()) {
            definitions.putIfAbsent(def.name(), def);
        }
        List<StreamDecl> from = new ArrayList<>();
        for (String stream : rule.from()) {
            if (declared.containsKey(stream)) {
                from.add(declared.get(stream));
            }
        }
        this.fromFields = from.size() == rule.from().size() ? FieldSet.of(from) : null;
    }

    private void collect(Pattern pattern, boolean inGroup) {
        for (Pattern.Stage stage : pattern.stages()) {
            if (stage.element() instanceof Pattern.Variable v) {
                variables.putIfAbsent(v.name(), new Variable(v.name(), stage, stage.negated(), inGroup));
            }
            for (Pattern body : stage.element().bodies()) {
                collect(body, true);
            }
        }
    }

    boolean isVariable(String name) {
        return variables.containsKey(name);
    }

    /** Fields of the events {@code variable} accepts, or {@code null} when they are not known. */
    FieldSet fieldsOf(String variable) {
        VarDef def = definitions.get(variable);
        if (def != null && def.stream() != null) {
            StreamDecl stream = declared.get(def.stream());
            return stream == null ? null : FieldSet.of(stream);
        }
        return fromFields;
    }

    /** "a, b and c" — the variables for "pattern variables are ..." messages. */
    String variableList() {
        return variables.isEmpty() ? "(none)" : Suggestions.list(variables.keySet(), "and");
    }
}
