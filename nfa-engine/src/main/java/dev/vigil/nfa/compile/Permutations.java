package dev.vigil.nfa.compile;

import dev.vigil.dsl.ast.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands {@code PERMUTE(x1, ..., xn)} into the branches of the equivalent alternation (SQL:2016): every order of
 * the items, listed in the preference order SQL gives them (lexicographic in the items' positions: first the
 * orders that start with x1, in the same order recursively). Items follow each other with {@code contiguity},
 * the operator written before the permutation; an item of several stages stays together as a group.
 */
final class Permutations {
    private Permutations() {}

    static List<Pattern> orders(Pattern.Permutation permutation, Pattern.Contiguity contiguity) {
        int n = permutation.items().size();
        if (n > Pattern.Permutation.MAX_ITEMS) {
            throw new IllegalArgumentException("PERMUTE of " + n + " items, more than " + Pattern.Permutation.MAX_ITEMS
                    + " (at " + permutation.span() + ")");
        }
        List<Pattern> orders = new ArrayList<>();
        permute(permutation, contiguity, new ArrayList<>(), new boolean[n], orders);
        return orders;
    }

    private static void permute(Pattern.Permutation permutation, Pattern.Contiguity contiguity, List<Integer> prefix,
            boolean[] used, List<Pattern> orders) {
        List<Pattern> items = permutation.items();
        if (prefix.size() == items.size()) {
            List<Pattern.Stage> stages = new ArrayList<>(items.size());
            for (int index : prefix) {
                stages.add(stage(items.get(index), contiguity));
            }
            orders.add(new Pattern(stages, permutation.span()));
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            if (!used[i]) {
                used[i] = true;
                prefix.add(i);
                permute(permutation, contiguity, prefix, used, orders);
                prefix.remove(prefix.size() - 1);
                used[i] = false;
            }
        }
    }

    private static Pattern.Stage stage(Pattern item, Pattern.Contiguity contiguity) {
        if (item.stages().size() == 1) {
            Pattern.Stage only = item.stages().get(0);
            return new Pattern.Stage(contiguity, only.negated(), only.element(), only.quantifier(), only.gap(),
                    only.span());
        }
        return new Pattern.Stage(contiguity, false, new Pattern.Group(item, item.span()), null, item.span());
    }
}
