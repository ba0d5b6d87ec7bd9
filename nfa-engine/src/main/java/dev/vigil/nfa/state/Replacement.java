package dev.vigil.nfa.state;

import dev.vigil.nfa.CompiledRule;
import dev.vigil.nfa.runtime.RuleRuntime;

/**
 * The replacement policy: what becomes of a rule's partial matches when a new version of the rule replaces the
 * running one. One policy for both ways a version is replaced: deployed into a running engine
 * ({@link dev.vigil.nfa.Engine#deploy}, through {@link #deploy}), or restored from a snapshot of an engine that ran
 * another version ({@link dev.vigil.nfa.Engine#restore}, through {@link EngineSnapshot.Reader#restoreRules}).
 *
 * <p><b>Kept</b> when the new version has the old one's {@link RuleShape}: the same pattern (states, edges,
 * variables, {@code WITHIN}, gap windows, skip strategy), the same {@code DEFINE} and {@code UNTIL} conditions on
 * the same streams, the same {@code PARTITION BY} and the same {@code FROM}. Then only what shapes alerts or where
 * they go changed ({@code SEVERITY}, {@code EMIT}, {@code ON TIMEOUT EMIT}, sinks, layout, the version number), and
 * every partial match the old version holds is one the new version would have built from the same events. The new
 * version goes on exactly where the old one was: partial matches, events waiting for the watermark, timers,
 * counters. Its alerts carry its own severity, fields and version. Example: {@code PATTERN a -> b} with
 * {@code SEVERITY low}; an {@code a} arrives; the rule is replaced with {@code SEVERITY high}; a {@code b}
 * arrives: one alert, of severity high, holding both events.
 *
 * <p><b>Dropped and counted</b> otherwise: the new version starts with no partial match and its counters at zero,
 * and its {@code partialMatchesDroppedOnReplace} counts the partial matches the old version held. A changed
 * condition may have built partial matches the new one never would (and missed some it would have), a changed
 * pattern numbers its states and variables differently, another key or other streams mean other partial matches:
 * nothing maps the old ones onto the new version. The events the old version still held for the watermark are not
 * lost: they go to the new version (those of the streams it reads), in their order, so every event is matched by
 * exactly one version. Example: the same {@code a}, then the rule is replaced with {@code b}'s condition changed;
 * the {@code b} finds no {@code a} waiting: no alert, and {@code partialMatchesDroppedOnReplace} is 1.
 *
 * <p>Flink CEP and Esper lose a query's state on any change; keeping it when nothing it was built from changed
 * is what users of a rules server expect of a severity or wording fix. Deploy compares the two versions' shapes;
 * restore compares the rule with the shape the snapshot stored beside its state, so the same replacement has the
 * same outcome whether the engine ran through it or restarted across it.
 */
public final class Replacement {
    private Replacement() {}

    /**
     * Hot deployment: {@code successor}, a fresh runtime of the new version, replaces {@code replaced} (no longer
     * fed events, and not used again) by the policy. Returns why the partial matches were dropped, or null when
     * they were kept.
     */
    public static String deploy(RuleRuntime replaced, RuleRuntime successor) {
        String difference = difference(RuleShape.of(replaced.rule()), successor.rule());
        if (difference == null) {
            successor.takeOver(replaced);
        } else {
            replaced.handOverWaitingTo(successor);
        }
        return difference;
    }

    /**
     * Why partial matches built by {@code before} cannot go on in its successor {@code after}, or null when they can:
     * the policy for a host that keeps each key's state itself (a Flink keyed operator) and so replaces versions
     * without runtimes to hand over.
     */
    public static String difference(CompiledRule before, CompiledRule after) {
        return difference(RuleShape.of(before), after);
    }

    /** Why partial matches built by a version of shape {@code before} cannot go on in {@code rule}, or null. */
    static String difference(RuleShape before, CompiledRule rule) {
        return RuleShape.of(rule).differenceFrom(before);
    }
}
