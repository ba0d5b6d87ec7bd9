package dev.vigil.nfa.expr;

import dev.vigil.nfa.Event;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The values an expression reads, for a {@link Verdict}: every operand below it that yields a value (a field, an
 * aggregate, a call, arithmetic), depth first in printing order, each text once; literals say nothing the text does
 * not, and boolean operands are looked into rather than listed. Evaluates them again: off the hot path only.
 */
final class SeenValues {
    private SeenValues() {}

    static List<Verdict.Seen> of(Node node, Event event, MatchView match) {
        List<Verdict.Seen> seen = new ArrayList<>();
        collect(node, event, match, seen, new HashSet<>());
        return seen;
    }

    private static void collect(Node node, Event event, MatchView match, List<Verdict.Seen> seen, Set<String> texts) {
        for (Node child : node.children()) {
            if (seen.size() == Verdict.MAX_VALUES) {
                return;
            }
            if (child instanceof Constant) {
                continue;
            }
            if (!(child instanceof BooleanNode)) {
                String text = child.toString();
                if (texts.add(text)) {
                    seen.add(new Verdict.Seen(text, child.evaluate(event, match)));
                }
            }
            collect(child, event, match, seen, texts);
        }
    }
}
