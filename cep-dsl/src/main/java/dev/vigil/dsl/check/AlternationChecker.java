package dev.vigil.dsl.check;

import dev.vigil.dsl.Diagnostics;
import dev.vigil.dsl.RulePrinter;
import dev.vigil.dsl.ast.Pattern;
import dev.vigil.dsl.ast.Pattern.Stage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the two pattern elements that go beyond Flink CEP: alternation {@code (b | c)} and {@code PERMUTE(a, b)}.
 * Refused: a branch or item that may match no event (an empty path would make the whole element optional
 * behind the author's back: write {@code (b | c)?} instead), a permutation of more than
 * {@link Pattern.Permutation#MAX_ITEMS} items, and a variable written in two branches with different quantifiers (a
 * variable is either one event or a list of events in every alert). A variable may be written in several branches
 * (each match binds it from its own branch); along one path it still appears once, which {@link PatternChecker}
 * checks path by path.
 */
final class AlternationChecker {
    private final Diagnostics out;

    AlternationChecker(Diagnostics out) {
        this.out = out;
    }

    void check(Stage stage) {
        if (stage.element() instanceof Pattern.Alternation alternation) {
            for (Pattern branch : alternation.branches()) {
                if (branch.canBeEmpty()) {
                    out.error(branch.span(), "branch '" + RulePrinter.print(branch) + "' of the alternation can match "
                            + "no event; make the whole alternation optional instead, as in (b | c)?");
                }
            }
            sameQuantifiers(alternation.branches());
        } else if (stage.element() instanceof Pattern.Permutation permutation) {
            int n = permutation.items().size();
            if (n > Pattern.Permutation.MAX_ITEMS) {
                out.error(permutation.span(), "PERMUTE lists " + n + " items, more than "
                        + Pattern.Permutation.MAX_ITEMS + ": n items are n! orders (" + factorial(n) + " for " + n
                        + ") and the automaton holds each item 2^(n-1) times; split the rule, or group items that "
                        + "keep their order, as in PERMUTE((a b), c)");
            }
            for (Pattern item : permutation.items()) {
                if (item.canBeEmpty()) {
                    out.error(item.span(), "item '" + RulePrinter.print(item) + "' of PERMUTE can match no event; "
                            + "every item must take at least one event");
                }
            }
        }
    }

    /** A variable written in several branches must be written alike: the same quantifier, the same negation. */
    private void sameQuantifiers(List<Pattern> branches) {
        Map<String, String> written = new HashMap<>();
        for (Pattern branch : branches) {
            Map<String, Stage> here = new LinkedHashMap<>();
            variables(branch, here);
            for (Map.Entry<String, Stage> entry : here.entrySet()) {
                String text = text(entry.getValue());
                String before = written.putIfAbsent(entry.getKey(), text);
                if (before != null && !before.equals(text)) {
                    out.error(entry.getValue().span(), "variable '" + entry.getKey() + "' is written " + before
                            + " in one branch and " + text + " in another; a variable is written alike in every "
                            + "branch (it is one event, or a list of events, in every alert): rename one");
                }
            }
        }
    }

    private static void variables(Pattern pattern, Map<String, Stage> into) {
        for (Stage stage : pattern.stages()) {
            if (stage.element() instanceof Pattern.Variable variable) {
                into.putIfAbsent(variable.name(), stage);
            }
            for (Pattern body : stage.element().bodies()) {
                variables(body, into);
            }
        }
    }

    private static String text(Stage stage) {
        Stage alone = new Stage(Pattern.Contiguity.STRICT, stage.negated(),
                new Pattern.Variable(((Pattern.Variable) stage.element()).name(), stage.span()), stage.quantifier(),
                stage.span());
        return "'" + RulePrinter.print(new Pattern(List.of(alone), stage.span())) + "'";
    }

    private static long factorial(int n) {
        long f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }
}
