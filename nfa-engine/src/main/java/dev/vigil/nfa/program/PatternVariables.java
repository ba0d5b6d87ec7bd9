package dev.vigil.nfa.program;

import dev.vigil.dsl.ast.Pattern;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The numbering of pattern variables used everywhere a variable is an {@code int}: index = first appearance
 * in the pattern, left to right, descending into groups, negated variables included.
 */
public final class PatternVariables {
    private PatternVariables() {}

    /** The variable names of {@code pattern}, each once, in order of first appearance. */
    public static List<String> of(Pattern pattern) {
        Set<String> names = new LinkedHashSet<>();
        collect(pattern, names);
        return List.copyOf(names);
    }

    private static void collect(Pattern pattern, Set<String> names) {
        for (Pattern.Stage stage : pattern.stages()) {
            Pattern.Element element = stage.element();
            if (element instanceof Pattern.Variable variable) {
                names.add(variable.name());
            }
            for (Pattern body : element.bodies()) {
                collect(body, names);
            }
        }
    }
}
