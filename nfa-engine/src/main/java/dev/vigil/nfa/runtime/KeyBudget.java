package dev.vigil.nfa.runtime;

import dev.vigil.nfa.EngineConfig;

/**
 * The bounds on keys holding partial matches in one engine, per rule and over every rule, and the count over every
 * rule: the key stores add to it when a key begins to hold partial matches and take from it when it stops, so the
 * engine checks its bound with one comparison after each call.
 *
 * <p>What happens at a bound ({@link RuleRuntime#evictOldest}, {@link dev.vigil.nfa.Engine}): a rule over its own
 * bound evicts its keys that have held partial matches the longest; when the engine is over its total, the rule
 * holding the most keys evicts its oldest, so a rule flooded with keys loses state before the rules beside it.
 *
 * <p><b>Not thread-safe:</b> owned by one engine.
 */
public final class KeyBudget {
    private final int maxPerRule;
    private final int maxTotal;
    /** Keys holding partial matches over every rule of the engine. */
    long holding;

    public KeyBudget(EngineConfig.KeyBounds bounds) {
        this.maxPerRule = bounds.maxKeysPerRule();
        this.maxTotal = bounds.maxKeys();
    }

    /** A budget no input reaches: for a runtime on its own (tests, tools). */
    public static KeyBudget unbounded() {
        return new KeyBudget(EngineConfig.KeyBounds.unbounded());
    }

    public int maxPerRule() {
        return maxPerRule;
    }

    public int maxTotal() {
        return maxTotal;
    }

    /** Keys holding partial matches over every rule. */
    public long holding() {
        return holding;
    }

    /** True when more keys hold partial matches than the engine's total allows. */
    public boolean overTotal() {
        return holding > maxTotal;
    }
}
