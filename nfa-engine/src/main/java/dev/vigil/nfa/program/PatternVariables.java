package dev.vigil.nfa.program;

import dev.vigil.dsl.ast.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * The numbering of pattern variables used everywhere a variable is an {@code int}: index = first appearance
 * in the pattern, left to right, descending into groups, negated variables included.
 */
public final class PatternVariables {
    private PatternVariables() {}

    /** The variable names of {@code pattern}, each once, in order of first appearance. */
    public static List<String> of(Pattern pattern) {
        List<String> names = new ArrayList<>();
        collect(pattern, names);
        return List.copyOf(names);
    }

    private static void collect(Pattern pattern, List<String> names) {
        for (Pattern.Stage stage : pattern.stages()) {
            Pattern.Element element = stage.element();
            if (element instanceof Pattern.Variable variable) {
                if (!names.contains(variable.name())) {
                    names.add(variable.name());
                }
            } else if (element instanceof Pattern.Group group) {
                collect(group.body(), names);
            } else {
                throw new AssertionError(element);
            }
        }
    }
}
