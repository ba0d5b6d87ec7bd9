package dev.vigil.server.rules;

import dev.vigil.dsl.FieldReads;
import dev.vigil.dsl.Suggestions;
import dev.vigil.dsl.ast.Rule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What a rule reading schemaless streams may have wrong, judged by the events that arrived since the server started
 * ({@link SeenStreams}): a stream no event has arrived on, a field no event of its stream has had; each with the
 * names seen that it is closest to. Declared streams need none of this: the checker has refused what they lack.
 * Warnings never refuse anything (a stream may just not have had events yet): the server gives them in the answer
 * to a deployment or a validation, in the rule's status and in its log.
 *
 * <p>Where the seen names were not all kept ({@link SeenStreams} bounds them), nothing is said rather than a
 * warning that may be wrong.
 */
public final class RuleWarnings {
    private RuleWarnings() {}

    /** The warnings about {@code rule}, whose streams {@code declared} says are declared, in FROM order. */
    public static List<String> of(Rule rule, Predicate<String> declared, SeenStreams seen) {
        List<String> warnings = new ArrayList<>();
        for (String stream : rule.from()) {
            if (!declared.test(stream) && seen.fields(stream) == null && seen.complete()) {
                warnings.add(neverArrived(stream, seen));
            }
        }
        for (FieldReads.Read read : FieldReads.of(rule)) {
            String warning = neverHad(read, declared, seen);
            if (warning != null) {
                warnings.add(warning);
            }
        }
        return warnings;
    }

    private static String neverArrived(String stream, SeenStreams seen) {
        Set<String> streams = new TreeSet<>(seen.streams());
        String warning = "no event has arrived on stream '" + stream + "' since the server started";
        List<String> close = Suggestions.closest(stream, streams);
        if (!close.isEmpty()) {
            return warning + "; did you mean " + Suggestions.list(close, "or") + "?";
        }
        return warning + (streams.isEmpty() ? " (no events at all yet)"
                : "; events arrived on " + Suggestions.list(streams, "and"));
    }

    /**
     * A warning when no event of any stream {@code read} may come from has had its field; null when one has, or
     * when that cannot be told (a declared stream, a stream without events, names not all kept).
     */
    private static String neverHad(FieldReads.Read read, Predicate<String> declared, SeenStreams seen) {
        Set<String> known = new LinkedHashSet<>();
        for (String stream : read.streams()) {
            SeenStreams.Fields fields = seen.fields(stream);
            if (declared.test(stream) || fields == null || !fields.complete() || fields.has(read.field())) {
                return null;
            }
            known.addAll(fields.paths());
        }
        String streams = read.streams().size() == 1 ? "stream '" + read.streams().get(0) + "'"
                : "streams " + Suggestions.list(read.streams(), "or");
        String warning = "no event of " + streams + " has had field '" + read.field() + "'";
        List<String> close = Suggestions.closest(read.field(), known);
        if (!close.isEmpty()) {
            return warning + "; did you mean " + Suggestions.list(close, "or") + "?";
        }
        return warning + (known.isEmpty() ? " (its events have had no fields but stream and ts)"
                : "; its events had " + Suggestions.list(new TreeSet<>(known), "and"));
    }
}
