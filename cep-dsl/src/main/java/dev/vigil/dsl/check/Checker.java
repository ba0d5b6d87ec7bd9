package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.ParseLimits;
import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.FieldDecl;
import dev.vigil.dsl.ast.FieldType;
import dev.vigil.dsl.ast.Rule;
import dev.vigil.dsl.ast.RuleFile;
import dev.vigil.dsl.ast.StreamDecl;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Semantic checks of a rule file that parsed: duplicate names, stream declarations, and each rule through
 * {@link RuleChecker}. Every problem is reported; nothing stops at the first. Called by {@code RuleParser}
 * after the syntax pass, on the statements that had no syntax error. A rule nested deeper than
 * {@link ParseLimits#maxNestingDepth} is reported as such and checked no further ({@link NestingDepth}).
 *
 * <p>A host that holds declarations of its own (the server: those of the running rules) passes them as
 * {@code known}: a stream the file does not declare itself is then checked against them, as if the file declared
 * it. A stream read but declared nowhere whose name is a near miss of a declared one ({@code paymnts} for
 * {@code payments}) is reported: such a rule would run schemaless on a stream no event arrives on.
 */
public final class Checker {
    private Checker() {}

    /** Checks {@code file} on its own. */
    public static void check(RuleFile file, Diagnostics out, ParseLimits limits) {
        check(file, out, limits, List.of());
    }

    /** Checks {@code file}, taking {@code known} as declared where the file does not declare a stream itself. */
    public static void check(RuleFile file, Diagnostics out, ParseLimits limits, List<StreamDecl> known) {
        Map<String, StreamDecl> declared = new LinkedHashMap<>();
        for (StreamDecl stream : file.streams()) {
            if (declared.putIfAbsent(stream.name(), stream) != null) {
                out.error(stream.span(), "stream '" + stream.name() + "' is declared twice; declare each stream once");
            }
            stream(stream, out);
        }
        Set<String> inFile = new HashSet<>(declared.keySet());
        for (StreamDecl stream : known) {
            declared.putIfAbsent(stream.name(), stream);
        }
        Set<String> rules = new HashSet<>();
        RuleChecker checker = new RuleChecker(out, declared, limits);
        for (Rule rule : file.rules()) {
            if (!rules.add(rule.name())) {
                out.error(rule.span(), "rule '" + rule.name() + "' is defined twice; rule names must be unique");
            }
            nearMisses(rule, declared, inFile, out);
            if (!NestingDepth.exceeded(rule, limits.maxNestingDepth(), out)) {
                checker.check(rule);
            }
        }
    }

    /** Reports each FROM stream declared nowhere whose name is a slip for a declared one. */
    private static void nearMisses(Rule rule, Map<String, StreamDecl> declared, Set<String> inFile,
            Diagnostics out) {
        for (String stream : rule.from()) {
            if (declared.containsKey(stream)) {
                continue;
            }
            List<String> close = Suggestions.nearMisses(stream, declared.keySet());
            if (!close.isEmpty()) {
                String where = inFile.contains(close.get(0)) ? "" : " by the running rules";
                out.error(rule.fromSpan(stream), "stream '" + stream + "' is not declared, but " + close.get(0)
                        + " is" + where + ": did you mean " + Suggestions.list(close, "or") + "? (to read a stream "
                        + "of that name on purpose, declare it: STREAM " + stream + " (...))");
            }
        }
    }

    private static void stream(StreamDecl stream, Diagnostics out) {
        Map<String, FieldDecl> fields = new HashMap<>();
        for (FieldDecl field : stream.fields()) {
            if (fields.putIfAbsent(field.path().dotted(), field) != null) {
                out.error(field.span(), "field '" + field.path().dotted() + "' is declared twice in stream "
                        + stream.name());
            }
        }
        for (FieldDecl field : stream.fields()) {
            String path = field.path().dotted();
            for (int cut = path.indexOf('.'); cut > 0; cut = path.indexOf('.', cut + 1)) {
                FieldDecl scalar = fields.get(path.substring(0, cut));
                if (scalar != null) {
                    out.error(scalar.span(), "field '" + scalar.path().dotted() + "' cannot be both " + scalar.type()
                            + " and an object with field " + path + "; declare one of them");
                }
            }
        }
        if (stream.eventTimeField() != null) {
            FieldDecl time = fields.get(stream.eventTimeField().dotted());
            if (time == null) {
                out.error(stream.eventTimeField().span(), "EVENT TIME field '" + stream.eventTimeField().dotted()
                        + "' is not declared in stream " + stream.name() + "; "
                        + FieldSet.of(stream).describe());
            } else if (time.type() != FieldType.TIMESTAMP && time.type() != FieldType.LONG) {
                out.error(stream.eventTimeField().span(), "EVENT TIME field '" + time.path().dotted() + "' must be "
                        + "TIMESTAMP or LONG (epoch milliseconds), but it is " + time.type());
            }
        }
    }
}
